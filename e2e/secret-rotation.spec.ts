import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import type { Idp } from '../idp/provider.js';
import { startTestApp, startTestIdp, type TestApp } from './support/app';
import { createFreshDatabase } from './support/database';
import { signInToApp } from './support/session';
import { uniqueLogin } from './support/sign-in';

const OLD = 'the-old-e2e-secret-0123456789abcdefghijklmnop';
const NEW = 'the-new-e2e-secret-0123456789abcdefghijklmnop';
const PORTS = [4197, 4198];
const TTL_SECONDS = 4;
const COOKIE = 'authjs.session-token';

/** The session-status answer for `cookie`, and the session cookie it re-issued if any. */
async function readStatus(app: TestApp, cookie: string) {
	const response = await fetch(`${app.url}/api/get-session-status`, { headers: { cookie } });
	const reissued = response.headers
		.getSetCookie()
		.map((header) => header.split(';')[0]!)
		.find((pair) => pair.startsWith(`${COOKIE}=`) && pair !== `${COOKIE}=`);
	return { status: response.status, reissued };
}

// Note: instances share state only through a database server, so this needs TEST_DATABASE_URL.
const serverUrl = process.env.TEST_DATABASE_URL;
test.describe('rotating AUTH_SECRET across two instances', () => {
	test.skip(
		serverUrl === undefined,
		'needs TEST_DATABASE_URL: instances share state through Postgres'
	);
	let databaseUrl: URL;
	let idp: Idp;
	let instances: TestApp[] = [];

	async function restartWith(secrets: Record<string, string>) {
		await Promise.all(instances.map((instance) => instance.stop()));
		const env = {
			DATABASE_URL: databaseUrl.href,
			PGLITE_DATA_DIR: undefined,
			AUTH_SECRET: undefined,
			...secrets
		};
		instances = await Promise.all(PORTS.map((port) => startTestApp(port, { idp, env })));
	}

	test.beforeAll(async () => {
		databaseUrl = await createFreshDatabase(serverUrl!, 'latchkey_e2e_secret_rotation');
		idp = await startTestIdp(PORTS, TTL_SECONDS);
	});
	test.afterAll(async () => {
		await Promise.all(instances.map((instance) => instance.stop()));
		await idp?.close();
	});

	test('nobody active is signed out, the stored tokens move to the new secret, and an idle cookie under the retired one is signed out', async () => {
		test.setTimeout(120_000);
		await restartWith({ AUTH_SECRET: OLD });
		const [first, second] = instances as [TestApp, TestApp];
		let active = await signInToApp(first.url, 'github', uniqueLogin('active'));
		const idle = await signInToApp(second.url, 'github', uniqueLogin('idle'));

		// A new secret: both instances still read the old cookies, and re-issue them under it.
		await restartWith({ AUTH_SECRET: OLD, AUTH_SECRET_1: NEW });
		const rolled = await readStatus(instances[1]!, active);
		expect(rolled.status).toBe(200);
		expect(rolled.reissued).toBeDefined();
		active = rolled.reissued!;
		expect((await readStatus(instances[0]!, active)).reissued).toBeUndefined();

		const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'secrets:reencrypt'], {
			env: { ...process.env, DATABASE_URL: databaseUrl.href, AUTH_SECRET: OLD, AUTH_SECRET_1: NEW }
		});
		// The active user's tokens may have rotated under the new secret already.
		expect(stdout).toMatch(/Re-encrypted the tokens of [12] accounts under AUTH_SECRET_1\./);
		expect(stdout).toMatch(/AUTH_SECRET_1: [1-9]/);
		expect(stdout).toContain('AUTH_SECRET: 0');

		// The old secret retired: the active user stays signed in, and rotation reads the tokens.
		await restartWith({ AUTH_SECRET: NEW });
		const refreshes: unknown[] = [];
		idp.onTokenEndpoint((event) => {
			if (event.grantType === 'refresh_token' && event.ok) refreshes.push(event);
		});
		await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000));
		for (const instance of instances) {
			expect((await readStatus(instance, active)).status).toBe(200);
		}
		expect(refreshes).toHaveLength(1);

		const retired = await readStatus(instances[0]!, idle);
		expect(retired.status).toBe(401);
		const page = await fetch(`${instances[1]!.url}/`, { headers: { cookie: idle } });
		expect(page.status).toBe(200);
	});
});
