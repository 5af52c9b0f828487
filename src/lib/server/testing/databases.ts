import { afterAll, beforeAll, describe } from 'vitest';
import { createThrowawayDatabase } from '$idp/testkit/database.js';
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
