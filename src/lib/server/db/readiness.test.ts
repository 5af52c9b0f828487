import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '.';
import { describeWithDatabases } from '../testing/databases';
import { checkReadiness } from './readiness';

/** A copy of the migrations folder with one more migration than the database has applied. */
function folderWithANewMigration(): string {
	const folder = mkdtempSync(join(tmpdir(), 'latchkey-migrations-'));
	cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
	const journalPath = join(folder, 'meta', '_journal.json');
	const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
	journal.entries.push({
		idx: journal.entries.length,
		version: '7',
		when: Date.now(),
		tag: '9999_next',
		breakpoints: true
	});
	writeFileSync(journalPath, JSON.stringify(journal));
	writeFileSync(join(folder, '9999_next.sql'), 'select 1;');
	return folder;
}

describeWithDatabases('readiness', (app) => {
	it('is ready when the database answers and every migration is applied', async () => {
		expect(await checkReadiness(app.db, MIGRATIONS_FOLDER)).toEqual({ ready: true });
	});

	it('is not ready while a migration is pending', async () => {
		expect(await checkReadiness(app.db, folderWithANewMigration())).toEqual({
			ready: false,
			reason: 'database migrations are pending',
			detail: expect.stringMatching(
				/^the newest applied migration is from \d+, the newest here from \d+$/
			)
		});
	});
});

describe('readiness without a database', () => {
	it('is not ready when the database refuses connections, and says so in one line', async () => {
		const client = postgres('postgres://latchkey:hunter2@127.0.0.1:9/app', { connect_timeout: 1 });
		const readiness = await checkReadiness(drizzle(client), MIGRATIONS_FOLDER);
		await client.end();
		// What is unavailable, for the public answer; why, for the log only.
		expect(readiness).toEqual({
			ready: false,
			reason: 'database unavailable',
			detail: 'ECONNREFUSED'
		});
	});

	it('is not ready when the database does not answer within 2 s', async () => {
		const silent = createServer(() => {});
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const { port } = silent.address() as AddressInfo;
		const client = postgres(`postgres://latchkey@127.0.0.1:${port}/app`, { connect_timeout: 10 });
		const readiness = await checkReadiness(drizzle(client), MIGRATIONS_FOLDER);
		expect(readiness).toEqual({
			ready: false,
			reason: 'database unavailable',
			detail: 'no answer within 2 s'
		});
		await client.end({ timeout: 0 });
		silent.close();
	});
});
