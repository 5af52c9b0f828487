import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
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
		useDatabase(() => createThrowawayDatabase(serverUrl!));
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

async function createThrowawayDatabase(serverUrl: string) {
	const name = `latchkey_test_${randomBytes(4).toString('hex')}`;
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return {
		config: { url: url.href },
		drop: async () => {
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	};
}
