// @ts-check
/**
 * Runs a PgBouncer of its own in transaction mode in front of a Postgres server, for the tests
 * that check the app behind a transaction pooler (as Supabase, Neon and most managed Postgres
 * are reached). Never the system service: its own config in a temporary directory, on a free port
 * (`freePort`), stopped by the test.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

const START_TIMEOUT_MS = 10_000;

/** The pgbouncer binary (Debian's package; `PGBOUNCER_PATH` overrides), or null when absent. */
export function findPgbouncer() {
	const path = process.env.PGBOUNCER_PATH ?? '/usr/sbin/pgbouncer';
	return existsSync(path) ? path : null;
}

/**
 * Starts PgBouncer with `pool_mode = transaction` in front of the server of `serverUrl` (e.g.
 * TEST_DATABASE_URL, trust authentication), and resolves once it accepts connections.
 * @param {string} serverUrl
 * @returns {Promise<{ port: number, url: (databaseUrl: string | URL) => string, stop: () => Promise<void> }>}
 *   `url()` turns a URL of that server into the same database through the pooler
 */
export async function startPgbouncer(serverUrl) {
	const binary = findPgbouncer();
	if (binary === null) throw new Error('pgbouncer is not installed (apt-get install pgbouncer)');
	const server = new URL(serverUrl);
	const user = decodeURIComponent(server.username || 'postgres');
	const port = await freePort();
	const dir = await mkdtemp(join(tmpdir(), 'latchkey-pgbouncer-'));
	// Note: PgBouncer refuses to run as root; `-u` drops to this user, who must read the files.
	await chmod(dir, 0o755);
	await writeFile(join(dir, 'users.txt'), `"${user}" ""\n`, { mode: 0o644 });
	const config = [
		'[databases]',
		`* = host=${server.hostname} port=${server.port || 5432}`,
		'[pgbouncer]',
		'listen_addr = 127.0.0.1',
		`listen_port = ${port}`,
		'unix_socket_dir =',
		'auth_type = trust',
		`auth_file = ${join(dir, 'users.txt')}`,
		'pool_mode = transaction',
		'max_client_conn = 500',
		'default_pool_size = 20',
		// Note: PgBouncer 1.18 closes a client that sends a startup parameter it does not know.
		'ignore_startup_parameters = extra_float_digits,options'
	].join('\n');
	await writeFile(join(dir, 'pgbouncer.ini'), `${config}\n`, { mode: 0o644 });
	const runAs = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
	const child = spawn(binary, [...runAs, join(dir, 'pgbouncer.ini')], {
		stdio: ['ignore', 'ignore', 'pipe']
	});
	let output = '';
	child.stderr.on('data', (chunk) => (output += chunk));
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		await exited;
		await rm(dir, { recursive: true, force: true });
	};
	try {
		await waitForPort(port, exited);
	} catch (error) {
		await stop();
		throw new Error(`pgbouncer did not start: ${error}\n${output}`);
	}
	return {
		port,
		url: (databaseUrl) => {
			const through = new URL(databaseUrl);
			through.hostname = '127.0.0.1';
			through.port = String(port);
			return through.href;
		},
		stop
	};
}

/**
 * @param {number} port
 * @param {Promise<unknown>} exited
 */
async function waitForPort(port, exited) {
	let gone = false;
	void exited.then(() => (gone = true));
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (gone) throw new Error('it exited');
		const open = await new Promise((resolve) => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => resolve(socket.end() && true));
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error(`no answer on port ${port} within ${START_TIMEOUT_MS / 1000} s`);
}
