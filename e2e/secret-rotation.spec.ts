import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { decodeProtectedHeader } from 'jose';
import type { Env, TestApp } from '../idp/testkit/app.js';
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
		await sleep(TTL_SECONDS * 1000);
		for (const app of apps) expect((await readStatus(app, active)).status).toBe(200);
		expect(refreshes).toBe(1);

		expect((await readStatus(apps[0]!, idle)).status).toBe(401);
		const page = await fetch(`${apps[1]!.url}/`, { headers: { cookie: idle } });
		expect(page.status).toBe(200);
	});

	test('adding a secret one instance at a time while users browse and tokens rotate: nobody signed out, no request failed', async ({
		privateApps: apps,
		privateStack
	}, testInfo) => {
		test.setTimeout(240_000);
		const users = await Promise.all(
			Array.from({ length: 4 }, (_, i) =>
				signInToApp(apps[i % 2]!.url, 'github', `secret-rollout-${i}`)
			)
		);
		const oldKey = keyIdOf(users[0]!);
		let refreshes = 0;
		const refused: string[] = [];
		privateStack.idp.onTokenEndpoint((event) => {
			if (event.grantType !== 'refresh_token') return;
			if (event.ok) refreshes += 1;
			else refused.push(event.error);
		});

		// Each user loads a page about every 50 ms from whichever instance is up, as a load
		// balancer sends them, keeping the cookie each answer sets.
		const down = new Set<number>();
		const seen = { requests: 0, failures: [] as string[], signOuts: [] as string[] };
		let browsing = true;
		const browse = async (user: number) => {
			for (let i = 0; browsing; i++) {
				const preferred = (user + i) % 2;
				const index = down.has(preferred) ? 1 - preferred : preferred;
				const path = ROLLOUT_PAGES[i % ROLLOUT_PAGES.length]!;
				const answer = await visit(apps[index]!, path, users[user]!).catch(
					(error: unknown) => ({ error: String(error) }) as const
				);
				if ('error' in answer) {
					seen.failures.push(`${path} on ${index}: ${answer.error}`);
					continue;
				}
				seen.requests += 1;
				const { status, location, cookie } = answer;
				if (cookie === '' || status === 401 || location?.startsWith('/signin')) {
					seen.signOuts.push(`${path} on ${index}: ${status} ${location ?? ''}`);
				} else if (status !== 200) {
					seen.failures.push(`${path} on ${index}: ${status}`);
				}
				if (cookie) users[user] = cookie;
				await sleep(50);
			}
		};
		const browsingUsers = Promise.all(users.map((_, user) => browse(user)));

		/** Restarts one instance as deploy/rolling-restart.sh does: the other serves meanwhile. */
		const restart = async (index: number, env: Env) => {
			down.add(index);
			await sleep(300); // the requests already sent to it finish
			expect(await privateStack.restartInstance(index, env)).toBe(0);
			down.delete(index);
			await sleep(1_500);
		};
		await sleep(1_500);
		// Step 1: the new secret, accepted only; the old one still encrypts.
		const acceptOnly = {
			AUTH_SECRET: OLD,
			AUTH_SECRET_1: NEW,
			AUTH_SECRET_ENCRYPTS: 'AUTH_SECRET'
		};
		for (const index of [0, 1]) await restart(index, acceptOnly);
		const keysAfterStep1 = users.map(keyIdOf);
		// Step 2: every instance knows it, so it may encrypt.
		const encrypting = { AUTH_SECRET: OLD, AUTH_SECRET_1: NEW, AUTH_SECRET_ENCRYPTS: undefined };
		for (const index of [0, 1]) await restart(index, encrypting);
		browsing = false;
		await browsingUsers;

		const figure = `${seen.requests} requests, ${seen.failures.length} failed, ${seen.signOuts.length} signed out, ${refreshes} token refreshes`;
		console.log(`secret rollout: ${figure}`);
		testInfo.annotations.push({ type: 'secret rollout', description: figure });
		expect(seen.failures).toEqual([]);
		expect(seen.signOuts).toEqual([]);
		expect(seen.requests).toBeGreaterThan(100);
		expect(refreshes).toBeGreaterThan(4);
		expect(refused).toEqual([]);
		expect(keysAfterStep1).toEqual(Array(4).fill(oldKey));
		// Every cookie now under the new secret.
		const newKeys = new Set(users.map(keyIdOf));
		expect(newKeys.size).toBe(1);
		expect(newKeys.has(oldKey)).toBe(false);

		// An instance without the new secret (say, rolled back) cannot read such a cookie: it
		// answers as signed out but keeps it, and the instance that has the secret still reads it.
		await restart(1, { AUTH_SECRET: OLD, AUTH_SECRET_1: undefined });
		for (const path of ['/api/get-session-status', '/auth/session', '/profile']) {
			const answer = await visit(apps[1]!, path, users[0]!);
			expect(answer.cookie, `${path} on the instance without the secret`).toBeUndefined();
		}
		expect((await visit(apps[1]!, '/api/get-session-status', users[0]!)).status).toBe(401);
		expect((await visit(apps[0]!, '/api/get-session-status', users[0]!)).status).toBe(200);
	});
});

const ROLLOUT_PAGES = [
	'/',
	'/api/get-session-status',
	'/profile',
	'/connections',
	'/account/sessions'
];

/**
 * `path` on `app` with the session `cookie`, redirects not followed: the status, where it
 * redirects, and the session cookie it set (a `name=value` pair, '' when it cleared it,
 * undefined when it set none).
 */
async function visit(app: TestApp, path: string, cookie: string) {
	const response = await fetch(`${app.url}${path}`, { headers: { cookie }, redirect: 'manual' });
	await response.arrayBuffer();
	const set = response.headers
		.getSetCookie()
		.map((header) => header.split(';')[0]!)
		.find((pair) => pair.startsWith(`${COOKIE}=`));
	return {
		status: response.status,
		location: response.headers.get('location') ?? undefined,
		cookie: set === `${COOKIE}=` ? '' : set
	};
}
