import { afterAll, beforeAll, describe } from 'vitest';
import { createThrowawayDatabase } from '$idp/testkit/database.js';
import { findPgbouncer, startPgbouncer } from '$idp/testkit/pgbouncer.js';
import { closeDatabase, connectDatabase, type DatabaseConfig } from '../db';

/**
 * Runs `suite` against a fresh, migrated database: embedded PGlite always, and a real Postgres
 * too when TEST_DATABASE_URL is set. Each Postgres run gets its own throwaway database, so test
 * files can run in parallel.
 */
export function describeWithDatabases(name: string, suite: () => void): void {
	describe(`${name} (PGlite)`, () => {
		useDatabase(async () => ({ config: { dataDir: 'memory://' }, drop: async () => {} }));
		suite();
	});
	const serverUrl = process.env.TEST_DATABASE_URL;
	// Always defined, so that without a server the report shows it skipped rather than nothing.
	describe.skipIf(!serverUrl)(`${name} (Postgres; needs TEST_DATABASE_URL)`, () => {
		useDatabase(async () => {
			const { url, drop } = await createThrowawayDatabase(serverUrl!);
			return { config: { url: url.href }, drop };
		});
		suite();
	});
}

/**
 * `describeWithDatabases`, and the Postgres run once more through a PgBouncer of its own in
 * transaction mode (`DATABASE_POOLER=transaction`, as behind Supabase, Neon or most managed
 * Postgres), for the suites whose guarantees a pooler could break (migrations, the lease).
 */
export function describeWithDatabasesAndPooler(name: string, suite: () => void): void {
	describeWithDatabases(name, suite);
	const serverUrl = process.env.TEST_DATABASE_URL;
	describe.skipIf(!serverUrl || findPgbouncer() === null)(
		`${name} (Postgres through PgBouncer in transaction mode; needs TEST_DATABASE_URL and pgbouncer)`,
		() => {
			useDatabase(async () => {
				const database = await createThrowawayDatabase(serverUrl!);
				const pooler = await startPgbouncer(serverUrl!);
				const config = { url: pooler.url(database.url), pooler: 'transaction' as const };
				return { config, drop: () => pooler.stop().finally(database.drop) };
			});
			suite();
		}
	);
}

function useDatabase(create: () => Promise<{ config: DatabaseConfig; drop: () => Promise<void> }>) {
	let drop = async () => {};
	beforeAll(async () => {
		const created = await create();
		drop = created.drop;
		await connectDatabase(created.config);
	});
	afterAll(async () => {
		await closeDatabase();
		await drop();
	});
}
