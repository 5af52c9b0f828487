import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodeProtectedHeader } from 'jose';
import type { TestApp } from '../idp/testkit/app.js';
import { signInToApp } from '../idp/testkit/app-sign-in.js';
import { expect, test } from './fixtures';

const OLD = 'the-old-e2e-secret-0123456789abcdefghijklmnop';
const NEW = 'the-new-e2e-secret-0123456789abcdefghijklmnop';
const TTL_SECONDS = 4;
const COOKIE = 'authjs.session-token';

/** The key id in the JWE header of a `name=value` session cookie. */
function keyIdOf(cookie: string): string | undefined {
	return decodeProtectedHeader(cookie.slice(cookie.indexOf('=') + 1)).kid;
}

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
test.describe('rotating AUTH_SECRET across two instances', () => {
	test.skip(
		process.env.TEST_DATABASE_URL === undefined,
		'needs TEST_DATABASE_URL: instances share state through Postgres'
	);
	test.use({
		appOptions: {
			database: 'postgres',
			instances: 2,
			accessTokenTtl: TTL_SECONDS,
			env: { AUTH_SECRET: OLD }
		}
	});

	test('nobody active is signed out, the stored tokens move to the new secret, and an idle cookie under the retired one is signed out', async ({
		privateApps: apps,
		privateStack,
		restartPrivateApps,
		freshDatabase
	}) => {
		test.setTimeout(180_000);
		let active = await signInToApp(apps[0]!.url, 'github', 'secret-rotation-active');
		const idle = await signInToApp(apps[1]!.url, 'github', 'secret-rotation-idle');

		// A new secret: both instances still read the old cookies, and re-issue them under it.
		await restartPrivateApps({ AUTH_SECRET: OLD, AUTH_SECRET_1: NEW });
		const rolled = await readStatus(apps[1]!, active);
		expect(rolled.status).toBe(200);
		expect(rolled.reissued).toBeDefined();
		expect(keyIdOf(rolled.reissued!)).not.toBe(keyIdOf(active));
		active = rolled.reissued!;
		expect((await readStatus(apps[0]!, active)).status).toBe(200);

		const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'secrets:reencrypt'], {
			env: {
				...process.env,
				DATABASE_URL: freshDatabase!.href,
				AUTH_SECRET: OLD,
				AUTH_SECRET_1: NEW
			}
		});
		// The active user's tokens may have rotated under the new secret already.
		expect(stdout).toMatch(/Re-encrypted the tokens of [12] accounts under AUTH_SECRET_1\./);
		expect(stdout).toMatch(/AUTH_SECRET_1: [1-9]/);
		expect(stdout).toContain('AUTH_SECRET: 0');

		// The old secret retired: the active user stays signed in, and rotation reads the tokens.
		await restartPrivateApps({ AUTH_SECRET: NEW });
		let refreshes = 0;
		privateStack.idp.onTokenEndpoint((event) => {
			if (event.grantType === 'refresh_token' && event.ok) refreshes += 1;
		});
		await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000));
		for (const app of apps) expect((await readStatus(app, active)).status).toBe(200);
		expect(refreshes).toBe(1);

		expect((await readStatus(apps[0]!, idle)).status).toBe(401);
		const page = await fetch(`${apps[1]!.url}/`, { headers: { cookie: idle } });
		expect(page.status).toBe(200);
	});
});
