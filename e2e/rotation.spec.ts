import type { Page } from '@playwright/test';
import postgres from 'postgres';
import type { Idp } from '../idp/provider.js';
import { signInToApp } from '../idp/testkit/app-sign-in.js';
import type { TestApp } from '../idp/testkit/app.js';
import { revokeToken } from '../idp/testkit/flows.js';
import { expect, privateAppUrl, test as base } from './fixtures';
import { signIn, uniqueLogin } from './support/sign-in';

// Access tokens live 4 s at this IdP, and the app refreshes them 1 s before they expire.
const TTL_SECONDS = 4;
const PROVIDER_LATENCY_MS = 3_000;
const env = { AUTH_REFRESH_SKEW_SECONDS: '1' };

type TokenEvent = Parameters<Parameters<Idp['onTokenEndpoint']>[0]>[0];

function recordTokenEndpoint(idp: Idp) {
	const events: TokenEvent[] = [];
	idp.onTokenEndpoint((event) => events.push(event));
	return {
		refreshes: () => events.filter((event) => event.grantType === 'refresh_token'),
		failures: () => events.filter((event) => !event.ok),
		clear: () => void events.splice(0),
		lastIssued: (field: string) => {
			const event = events.findLast((e) => e.ok && typeof e.body?.[field] === 'string');
			return event?.ok ? String(event.body[field]) : undefined;
		}
	};
}

/** True when a refresh holds the lease of the one account in `database`. */
async function leaseHeld(database: URL): Promise<boolean> {
	const sql = postgres(database.href, { max: 1, onnotice: () => {} });
	try {
		const [account] = await sql`select refresh_claimed_until > now() as held from accounts`;
		return account?.held === true;
	} finally {
		await sql.end();
	}
}

/** Polls `app`'s session status with `cookie` through the lease's run (10 s) and past it. */
async function pollPastLease(app: TestApp, cookie: string): Promise<number[]> {
	const LEASE_MS = 10_000;
	const statuses: number[] = [];
	const until = Date.now() + LEASE_MS + 5_000;
	while (Date.now() < until) {
		const response = await fetch(`${app.url}/api/get-session-status`, { headers: { cookie } });
		statuses.push(response.status);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return statuses;
}

type GitHubFaults = NonNullable<Parameters<Idp['faults']['set']>[0]['github']>;

/**
 * Signs a new user in on `app`, waits until the access token has expired, then sends the request
 * whose refresh meets `fault` at the IdP: the one a kill -9 is about to cut.
 */
async function refreshUnder(
	app: TestApp,
	fault: GitHubFaults,
	tokenEndpoint: ReturnType<typeof recordTokenEndpoint>
) {
	const cookie = await signInToApp(app.url, 'github', uniqueLogin('crash'));
	await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000));
	app.idp.faults.set({ github: fault });
	tokenEndpoint.clear();
	const cut = fetch(`${app.url}/api/get-session-status`, { headers: { cookie } }).catch(() => null);
	return { cookie, cut };
}

async function expiresAt(page: Page, provider: string): Promise<number> {
	const time = page.getByTestId(`${provider}-expires`).locator('time');
	return Date.parse((await time.getAttribute('datetime')) ?? '');
}

const test = base.extend<{ tokenEndpoint: ReturnType<typeof recordTokenEndpoint> }>({
	// What the private apps' IdP answers at its token endpoint, from the start of the test.
	tokenEndpoint: async ({ privateApp }, use) => {
		await use(recordTokenEndpoint(privateApp.idp));
	}
});

// Each test has apps of its own, and most wait out token lifetimes and leases: run one after
// another, the tests of this file alone would take the last minutes of the run on one worker.
test.describe.configure({ mode: 'parallel' });

test.describe('refresh-token rotation', () => {
	test.use({ appOptions: { accessTokenTtl: TTL_SECONDS, env }, baseURL: privateAppUrl });

	/** Signs in with Google, then revokes the grant at the IdP and waits for the token to expire. */
	async function signInWithRevokedGrant(
		page: Page,
		login: string,
		idp: Idp,
		tokenEndpoint: ReturnType<typeof recordTokenEndpoint>
	) {
		await signIn(page, 'Google', login);
		await revokeToken(idp, 'google', tokenEndpoint.lastIssued('refresh_token')!);
		await page.waitForTimeout(TTL_SECONDS * 1000);
	}

	test('parallel requests after expiry keep the user signed in with one refresh', async ({
		newSignedInPage,
		tokenEndpoint
	}) => {
		const page = await newSignedInPage({ startAt: '/connections' });
		await expect(page.getByRole('heading', { name: 'Connections' })).toBeVisible();
		await expect(page.getByTestId('github-rotated')).toHaveText('not yet');
		const before = await expiresAt(page, 'github');

		await page.waitForTimeout(TTL_SECONDS * 1000);
		const statuses = await page.evaluate(() =>
			Promise.all(
				Array.from({ length: 8 }, (_, i) =>
					fetch(i % 2 ? '/connections/__data.json' : '/api/get-session-status').then(
						(response) => response.status
					)
				)
			)
		);

		expect(statuses).toEqual(Array(8).fill(200));
		expect(tokenEndpoint.refreshes()).toHaveLength(1);
		expect(tokenEndpoint.failures()).toEqual([]);
		await page.reload();
		await expect(page.getByTestId('github-profile')).toBeVisible();
		expect(await expiresAt(page, 'github')).toBeGreaterThan(before);
		await expect(page.getByTestId('github-rotated').locator('time')).toBeVisible();
	});

	test('a grant revoked at the provider asks the user to sign in again, never a 500', async ({
		page,
		login,
		privateApp,
		tokenEndpoint
	}) => {
		await signInWithRevokedGrant(page, login, privateApp.idp, tokenEndpoint);

		const home = await page.goto('/');
		expect(home?.status()).toBe(200);
		const banner = page.getByRole('status').filter({ hasText: 'Your sign-in has expired' });
		await expect(banner).toBeVisible();
		const status = await page.request.get('/api/get-session-status');
		expect(status.status()).toBe(401);
		expect(await status.json()).toEqual({ status: 401, error: 'RefreshTokenError' });

		await page.goto('/profile');
		await expect(page).toHaveURL('/signin?redirectedFrom=%2Fprofile');
		// Signing in again stores new tokens for the same account, and the session works again.
		await signIn(page, 'Google', login);
		await expect(page).toHaveURL('/profile');
		await expect(banner).toBeHidden();
	});

	test('after a revoked grant, signing in as someone else starts a new session', async ({
		page,
		login,
		privateApp,
		tokenEndpoint
	}) => {
		await signInWithRevokedGrant(page, login, privateApp.idp, tokenEndpoint);

		await page.goto('/profile');
		await expect(page).toHaveURL('/signin?redirectedFrom=%2Fprofile');
		const other = uniqueLogin('other');
		await signIn(page, 'Google', other);
		await expect(page).toHaveURL('/profile');
		await expect(page.getByText(`${other}@example.test`)).toBeVisible();
		await expect(page.getByRole('list', { name: 'Linked providers' })).toHaveText('Google');
	});
});

// Note: instances share state only through a database server, so this needs TEST_DATABASE_URL.
const serverUrl = process.env.TEST_DATABASE_URL;
test.describe('refresh-token rotation across two instances', () => {
	test.skip(
		serverUrl === undefined,
		'needs TEST_DATABASE_URL: instances share state through Postgres'
	);
	test.use({
		appOptions: { accessTokenTtl: TTL_SECONDS, env, database: 'postgres', instances: 2 },
		baseURL: privateAppUrl
	});

	test('50 concurrent requests with one expired session make exactly 1 refresh', async ({
		privateApps,
		signedInPage: page,
		tokenEndpoint
	}) => {
		const [first, second] = privateApps as [TestApp, TestApp];
		const context = page.context();
		const cookie = (await context.cookies()).find(({ name }) => name === 'authjs.session-token');
		await context.close();

		await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000));
		tokenEndpoint.clear();
		const statuses = await Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				fetch(`${(i % 2 ? first : second).url}/api/get-session-status`, {
					headers: { cookie: `authjs.session-token=${cookie?.value}` }
				}).then((response) => response.status)
			)
		);

		expect(statuses).toEqual(Array(50).fill(200));
		expect(tokenEndpoint.refreshes()).toHaveLength(1);
		expect(tokenEndpoint.failures()).toEqual([]);
	});

	test('with a slow provider, 50 requests after expiry make 1 refresh and hold nobody else up', async ({
		privateApps,
		tokenEndpoint
	}) => {
		const [first, second] = privateApps as [TestApp, TestApp];
		const { idp } = first;
		const bystander = uniqueLogin('bystander');
		idp.faults.set({ github: { accessTokenTtlByLogin: { [bystander]: 300 } } });
		const stormCookie = await signInToApp(first.url, 'github', uniqueLogin('slow-storm'));
		const bystanderCookie = await signInToApp(second.url, 'github', bystander);
		const readProfile = (instance: TestApp) =>
			fetch(`${instance.url}/profile/__data.json`, { headers: { cookie: bystanderCookie } });
		// Note: the first request to a route loads its module; that is not what is measured.
		for (const instance of [first, second]) expect((await readProfile(instance)).status).toBe(200);

		await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000));
		idp.faults.set({ github: { latencyMs: PROVIDER_LATENCY_MS } });
		tokenEndpoint.clear();
		const storm = Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				fetch(`${(i % 2 ? first : second).url}/api/get-session-status`, {
					headers: { cookie: stormCookie }
				}).then((response) => response.status)
			)
		);
		await new Promise((resolve) => setTimeout(resolve, 200));
		// The bystander's profile reads the database on both instances while the refresh waits.
		for (const instance of [first, second]) {
			const started = Date.now();
			expect((await readProfile(instance)).status).toBe(200);
			expect(Date.now() - started).toBeLessThan(PROVIDER_LATENCY_MS / 3);
		}

		expect(await storm).toEqual(Array(50).fill(200));
		expect(tokenEndpoint.refreshes()).toHaveLength(1);
		expect(tokenEndpoint.failures()).toEqual([]);
		idp.faults.reset();
	});

	test('kill -9 before the refresh reached the provider: the other instance takes over when the lease runs out, and the user stays signed in', async ({
		privateApps,
		freshDatabase,
		tokenEndpoint
	}) => {
		const [first, second] = privateApps as [TestApp, TestApp];
		// The refresh is held on its way, before the provider reads it; it dies with its sender.
		const { cookie, cut } = await refreshUnder(first, { latencyMs: 3_000 }, tokenEndpoint);
		await expect.poll(() => leaseHeld(freshDatabase!)).toBe(true);
		process.kill(first.pid, 'SIGKILL');
		await cut;
		const statuses = await pollPastLease(second, cookie);
		first.idp.faults.reset();

		// Until the lease runs out the second instance answers without the refresh (never a 500,
		// never signed out); then it sends the unspent refresh token, once, and the grant lives on.
		expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
		expect(statuses.at(-1)).toBe(200);
		expect(tokenEndpoint.refreshes()).toHaveLength(1);
		expect(tokenEndpoint.failures()).toEqual([]);
	});

	test('kill -9 after the provider answered, before the store: the other instance takes over when the lease runs out, never a 500', async ({
		privateApps,
		tokenEndpoint
	}) => {
		const [first, second] = privateApps as [TestApp, TestApp];
		const { cookie, cut } = await refreshUnder(first, { answerDelayMs: 3_000 }, tokenEndpoint);
		// The provider used the grant; its answer is on its way to the instance that dies.
		await expect.poll(() => tokenEndpoint.refreshes().length).toBe(1);
		process.kill(first.pid, 'SIGKILL');
		first.idp.faults.reset();
		await cut;
		const statuses = await pollPastLease(second, cookie);

		expect(statuses.filter((status) => status !== 200 && status !== 401)).toEqual([]);
		// The answer died with the process, so the second instance sent the old refresh token once
		// the lease ran out: the local IdP, which detects reuse, refused it and revoked the grant,
		// and the user is asked to sign in again (docs/rotation.md: what a crash can lose).
		expect(tokenEndpoint.refreshes()).toHaveLength(2);
		expect(tokenEndpoint.failures().map(({ error }) => error)).toEqual(['invalid_grant']);
		expect(statuses.at(-1)).toBe(401);
	});

	test('a 6 s late answer signs nobody out: each refresh token reaches the provider once', async ({
		privateApps,
		tokenEndpoint
	}) => {
		const LATE_MS = 6_000;
		const REQUEST_WAIT_MS = 5_000;
		const [first, second] = privateApps as [TestApp, TestApp];
		const cookie = await signInToApp(first.url, 'github', uniqueLogin('late-answer'));
		await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000));
		first.idp.faults.set({ github: { answerDelayMs: LATE_MS } });
		tokenEndpoint.clear();

		// A browser polling both instances through the late answer and past it.
		const slowest = { ms: 0 };
		const statuses: number[] = [];
		const until = Date.now() + LATE_MS + 3_000;
		for (let i = 0; Date.now() < until; i++) {
			const started = Date.now();
			const response = await fetch(`${(i % 2 ? first : second).url}/api/get-session-status`, {
				headers: { cookie }
			});
			statuses.push(response.status);
			slowest.ms = Math.max(slowest.ms, Date.now() - started);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		first.idp.faults.reset();
		console.info(
			`late answer (${LATE_MS} ms, 2 instances): ${statuses.length} requests, ` +
				`${statuses.filter((status) => status !== 200).length} not 200, slowest ${slowest.ms} ms, ` +
				`${tokenEndpoint.refreshes().length} refreshes, ${tokenEndpoint.failures().length} refused`
		);

		expect(new Set(statuses)).toEqual(new Set([200]));
		expect(slowest.ms).toBeLessThan(REQUEST_WAIT_MS + 1_000);
		// No refresh token was refused: none was sent twice (the IdP refuses reuse, and revokes).
		expect(tokenEndpoint.failures()).toEqual([]);
		expect(tokenEndpoint.refreshes().length).toBeGreaterThanOrEqual(1);
		// The grant lives on: the next expiry rotates from the late answer's refresh token.
		await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000));
		const next = await fetch(`${first.url}/api/get-session-status`, { headers: { cookie } });
		expect(next.status).toBe(200);
		expect(tokenEndpoint.failures()).toEqual([]);
		expect(tokenEndpoint.refreshes().length).toBeGreaterThanOrEqual(2);
	});
});

// One instance on PGlite: the instance that comes back after the kill -9, on the same data
// directory, is the one that takes over.
const onDisk = test.extend({
	// eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's needs from it: none
	appOptions: async ({}, use, testInfo) => {
		const dataDir = testInfo.outputPath('pglite');
		await use({ accessTokenTtl: TTL_SECONDS, env: { ...env, PGLITE_DATA_DIR: dataDir } });
	}
});

onDisk.describe('refresh-token rotation across a kill -9 on PGlite', () => {
	onDisk(
		'killed before the refresh reached the provider: the restarted instance sends the unspent token once',
		async ({ privateStack, tokenEndpoint }) => {
			const [app] = privateStack.apps as [TestApp];
			const { cookie, cut } = await refreshUnder(app, { latencyMs: 5_000 }, tokenEndpoint);
			// Note: claiming and sending take milliseconds; the request is held for 5 s.
			await new Promise((resolve) => setTimeout(resolve, 1_500));
			process.kill(app.pid, 'SIGKILL');
			await cut;
			await privateStack.restartInstance(0);
			const statuses = await pollPastLease(privateStack.apps[0]!, cookie);
			privateStack.idp.faults.reset();

			expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
			expect(statuses.at(-1)).toBe(200);
			expect(tokenEndpoint.refreshes()).toHaveLength(1);
			expect(tokenEndpoint.failures()).toEqual([]);
		}
	);

	onDisk(
		'killed after the provider answered, before the store: never a 500, and a reuse-detecting provider asks to sign in again',
		async ({ privateStack, tokenEndpoint }) => {
			const [app] = privateStack.apps as [TestApp];
			const { cookie, cut } = await refreshUnder(app, { answerDelayMs: 3_000 }, tokenEndpoint);
			await expect.poll(() => tokenEndpoint.refreshes().length).toBe(1);
			process.kill(app.pid, 'SIGKILL');
			privateStack.idp.faults.reset();
			await cut;
			await privateStack.restartInstance(0);
			const statuses = await pollPastLease(privateStack.apps[0]!, cookie);

			expect(statuses.filter((status) => status !== 200 && status !== 401)).toEqual([]);
			expect(tokenEndpoint.refreshes()).toHaveLength(2);
			expect(tokenEndpoint.failures().map(({ error }) => error)).toEqual(['invalid_grant']);
			expect(statuses.at(-1)).toBe(401);
		}
	);
});
