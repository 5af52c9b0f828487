import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from '../idp/testkit/app.js';
import { freePort } from '../idp/testkit/ports.js';
import { expect, test } from './fixtures';

const base = {
	PATH: process.env.PATH,
	AUTH_SECRET: 'startup-test-secret-0123456789abcdefghijklmnop',
	AUTH_GITHUB_ID: 'id',
	AUTH_GITHUB_SECRET: 'secret',
	PGLITE_DATA_DIR: 'memory://'
};

for (const [problem, env, message] of [
	['no AUTH_SECRET', { AUTH_SECRET: undefined }, 'AUTH_SECRET is not set'],
	['a weak secret', { AUTH_SECRET_1: 'hunter2' }, 'AUTH_SECRET_1 is shorter than 32 bytes'],
	[
		'no provider',
		{ AUTH_GITHUB_ID: undefined, AUTH_GITHUB_SECRET: undefined },
		'no sign-in provider is configured'
	],
	['half a provider', { AUTH_GITHUB_SECRET: undefined }, 'AUTH_GITHUB_SECRET is not set'],
	['no known origin', { ORIGIN: undefined }, "the app's URL is unknown: set ORIGIN"],
	[
		'an XFF_DEPTH of 0',
		{ ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '0' },
		'XFF_DEPTH must be a whole number from 1'
	],
	['a malformed DATABASE_URL', { DATABASE_URL: 'not a url' }, 'DATABASE_URL is not a valid URL'],
	[
		'an unreachable database',
		{ DATABASE_URL: 'postgres://latchkey:hunter2@127.0.0.1:9/app' },
		'cannot use the database at 127.0.0.1:9/app: ECONNREFUSED'
	]
] as const) {
	test(`a production start with ${problem} stops with one clear line`, async () => {
		// Note: none of these starts gets to listen, but each is given a port nobody uses.
		const port = await freePort();
		const local = { ORIGIN: `http://127.0.0.1:${port}`, PORT: String(port) };
		const app = runBuild({ ...base, ...local, ...env });
		expect(await app.exited).toBe(1);
		const lines = app.output().trim().split('\n');
		expect(lines).toEqual([expect.stringContaining(`Latchkey cannot start: ${message}`)]);
		expect(app.output()).not.toContain('hunter2');
	});
}

test('a production start over https without ADDRESS_HEADER serves, with one warning line', async () => {
	const port = await freePort();
	const app = runBuild({ ...base, ORIGIN: 'https://app.example.com', PORT: String(port) });
	try {
		await expect.poll(app.output, { timeout: 45_000 }).toContain('Listening on');
		const lines = app.output().trim().split('\n');
		expect(lines).toEqual([
			expect.stringMatching(
				/^Latchkey warning: ORIGIN is https but ADDRESS_HEADER is not set, .* LATCHKEY_DIRECT_CLIENTS=true\.$/
			),
			expect.stringContaining('Listening on')
		]);
	} finally {
		app.child.kill();
		await app.exited;
	}
});

test('a start with its OIDC issuer moved to another server stops with one clear line; its accounts stay unused', async () => {
	// Two starts, the first on a new on-disk database.
	test.setTimeout(120_000);
	const port = await freePort();
	const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-issuer-'));
	const env = {
		...base,
		ORIGIN: `http://127.0.0.1:${port}`,
		PORT: String(port),
		PGLITE_DATA_DIR: dataDir,
		AUTH_OIDC_ID: 'id',
		AUTH_OIDC_SECRET: 'secret'
	};
	const first = runBuild({ ...env, AUTH_OIDC_ISSUER: 'https://login.a.test' });
	try {
		await expect.poll(first.output, { timeout: 45_000 }).toContain('Listening on');
	} finally {
		first.child.kill();
		await first.exited;
	}

	const moved = runBuild({ ...env, AUTH_OIDC_ISSUER: 'https://login.b.test/' });
	try {
		// It stops, rather than serve the new issuer's users as the old one's.
		const outcome = () =>
			moved.output().includes('Listening on') ? 'serving' : moved.child.exitCode;
		await expect.poll(outcome, { timeout: 60_000 }).toBe(1);
	} finally {
		moved.child.kill();
	}
	expect(moved.output().trim().split('\n')).toEqual([
		expect.stringContaining(
			'Latchkey cannot start: oidc is configured for https://login.b.test (AUTH_OIDC_ISSUER), but its accounts here belong to https://login.a.test'
		)
	]);
});
