import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../testing/factories';
import { connectDatabase, type Database, type DatabaseConnection } from '.';
import { users } from './schema';

const SECRET = 'data-dir-lock-test-secret-0123456789abcdefghij';
// Note: PGlite boots a WASM Postgres on disk, three times here: on a busy machine, a minute or more.

/** Runs `npm run secrets:reencrypt` (the CLI itself, through tsx) on the PGlite directory. */
function runReencrypt(dataDir: string) {
	const child = spawn('node_modules/.bin/tsx', ['src/cli/secrets-reencrypt.ts'], {
		env: { PATH: process.env.PATH, PGLITE_DATA_DIR: dataDir, AUTH_SECRET: SECRET },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
		child.on('close', (code) => done({ code, stdout, stderr }))
	);
}

async function countUsers(db: Database) {
	const [row] = await db.select({ n: count() }).from(users);
	return row!.n;
}

async function createUsers(db: Database, n: number) {
	for (let i = 0; i < n; i++) await createUser(db);
}

describe('one process per embedded data directory', () => {
	let root: string;
	let dataDir: string;
	// The test's open connection, closed after it if the test did not.
	let connection: DatabaseConnection | null = null;
	async function connect() {
		connection = await connectDatabase({ dataDir });
		return connection;
	}
	async function close() {
		const open = connection;
		connection = null;
		await open?.close();
	}
	beforeEach(() => {
		root = mkdtempSync(join(tmpdir(), 'latchkey-lock-'));
		dataDir = join(root, 'pglite');
	});
	afterEach(async () => {
		await close();
		rmSync(root, { recursive: true, force: true });
	});

	it('a second process on the directory stops with one line naming it and the holder, and no row is lost', async () => {
		const { db } = await connect();
		await createUsers(db, 50);
		expect(readFileSync(`${dataDir}.lock`, 'utf8').trim()).toBe(String(process.pid));

		const refused = await runReencrypt(dataDir);
		expect(refused.code).toBe(1);
		expect(refused.stdout).toBe('');
		const lines = refused.stderr.trim().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(
			`secrets:reencrypt cannot run: the PGlite database in ${dataDir} is in use by process ${process.pid} `
		);

		// This process kept writing while the other one tried; it then closes, and lets go.
		await createUsers(db, 25);
		await close();
		expect(existsSync(`${dataDir}.lock`)).toBe(false);

		const ran = await runReencrypt(dataDir);
		expect(ran.stderr).toBe('');
		expect(ran.stdout).toContain('Re-encrypted the tokens of 0 accounts under AUTH_SECRET.');
		expect(ran.code).toBe(0);
		expect(existsSync(`${dataDir}.lock`)).toBe(false);

		const reopened = await connect();
		expect(await countUsers(reopened.db)).toBe(75);
	}, 180_000);

	it('takes over a lock whose process is gone', async () => {
		const gone = spawn(process.execPath, ['-e', '']);
		await new Promise((done) => gone.on('exit', done));
		writeFileSync(`${dataDir}.lock`, `${gone.pid}\n`);

		await connect();
		expect(readFileSync(`${dataDir}.lock`, 'utf8').trim()).toBe(String(process.pid));
		await close();
		expect(existsSync(`${dataDir}.lock`)).toBe(false);
	}, 60_000);
});
