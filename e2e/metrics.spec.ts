import type { APIRequestContext, Page } from '@playwright/test';
import { runBuild } from '../idp/testkit/app.js';
import { freePort } from '../idp/testkit/ports.js';
import { expect, privateAppUrl, test } from './fixtures';
import { connect } from './support/sign-in';

const METRICS_TOKEN = 'e2e-metrics-token-0123456789abcdef';
const BEARER = { authorization: `Bearer ${METRICS_TOKEN}` };
// One line of the text format: a name, its labels if any, and a value.
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;

/** The sum of the samples of `name` whose labels include `labels` (0 when there is none). */
function readSample(body: string, name: string, labels: Record<string, string> = {}): number {
	let sum = 0;
	for (const line of body.split('\n')) {
		const [, sampleName, labelText = '', value] = SAMPLE.exec(line) ?? [];
		if (sampleName !== name) continue;
		const sampleLabels = Object.fromEntries(
			[...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, text]) => [key, text])
		);
		if (Object.entries(labels).every(([key, wanted]) => sampleLabels[key] === wanted)) {
			sum += Number(value);
		}
	}
	return sum;
}

async function scrape(request: APIRequestContext): Promise<string> {
	const response = await request.get('/metrics', { headers: BEARER });
	expect(response.status()).toBe(200);
	return response.text();
}

/** Clicks `provider`'s "Refresh now" on /connections and waits for the rotation's answer. */
async function refreshNow(page: Page, provider: string): Promise<void> {
	const region = page.getByRole('region', { name: provider });
	await region.getByRole('button', { name: 'Refresh now' }).click();
	await expect(region.getByRole('status')).toHaveText(/^The access token now expires /);
}

test.describe('/metrics without METRICS_TOKEN', () => {
	test.use({ baseURL: privateAppUrl });

	test('is a 404, even with a bearer token', async ({ request }) => {
		expect((await request.get('/metrics')).status()).toBe(404);
		expect((await request.get('/metrics', { headers: BEARER })).status()).toBe(404);
	});
});

test.describe('/metrics with METRICS_TOKEN', () => {
	test.use({
		appOptions: { env: { METRICS_TOKEN, AUTH_ACTION_RATE_LIMIT: '1' } },
		baseURL: privateAppUrl
	});

	test('answers only the bearer of the token, in the Prometheus text format', async ({
		request
	}) => {
		for (const authorization of [
			undefined,
			'Bearer not-the-metrics-token-at-all',
			`Bearer ${METRICS_TOKEN.slice(0, -1)}`,
			`Basic ${btoa(`prometheus:${METRICS_TOKEN}`)}`
		]) {
			const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
			const refused = await request.get('/metrics', { headers });
			expect(refused.status(), authorization).toBe(401);
			expect(refused.headers()['www-authenticate']).toBe('Bearer realm="metrics"');
		}
		expect((await request.get(`/metrics?token=${METRICS_TOKEN}`)).status()).toBe(401);

		const response = await request.get('/metrics', { headers: BEARER });
		expect(response.status()).toBe(200);
		expect(response.headers()['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
		expect(response.headers()['cache-control']).toBe('no-store');
		expect(response.headers()['set-cookie']).toBeUndefined();
		const lines = (await response.text()).trimEnd().split('\n');
		const malformed = lines.filter(
			(line) => line !== '' && !/^# (HELP|TYPE) /.test(line) && !SAMPLE.test(line)
		);
		expect(malformed).toEqual([]);
		for (const family of [
			'# TYPE latchkey_token_refreshes_total counter',
			'# TYPE latchkey_token_refresh_lease_waits_total counter',
			'# TYPE latchkey_provider_token_request_duration_seconds histogram',
			'# TYPE latchkey_sign_ins_total counter',
			'# TYPE latchkey_sign_outs_total counter',
			'# TYPE latchkey_rate_limited_total counter',
			'# TYPE latchkey_active_sessions gauge',
			'# TYPE latchkey_db_pool_max_connections gauge',
			'# TYPE process_resident_memory_bytes gauge'
		]) {
			expect(lines).toContain(family);
		}
		expect(lines).toContain('latchkey_db_pool_max_connections{driver="pglite"} 1');
		expect(lines).toContain(
			'latchkey_token_refreshes_total{provider="github",outcome="rotated"} 0'
		);
	});

	test('counts a sign-in, a rotation, a request over its limit and a sign-out', async ({
		request,
		newSignedInPage
	}) => {
		const before = await scrape(request);

		const page = await newSignedInPage({ startAt: '/connections' });
		await refreshNow(page, 'GitHub');
		// The second "Refresh now" within the minute is over AUTH_ACTION_RATE_LIMIT=1.
		const github = page.getByRole('region', { name: 'GitHub' });
		await github.getByRole('button', { name: 'Refresh now' }).click();
		await expect(github.getByRole('alert')).toHaveText(/^Too many attempts/);
		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page).toHaveURL('/signin');

		const after = await scrape(request);
		const grew = (name: string, labels: Record<string, string> = {}) =>
			readSample(after, name, labels) - readSample(before, name, labels);
		expect(grew('latchkey_sign_ins_total', { provider: 'github' })).toBe(1);
		expect(grew('latchkey_token_refreshes_total', { provider: 'github', outcome: 'rotated' })).toBe(
			1
		);
		expect(grew('latchkey_token_refreshes_total')).toBe(1);
		const calls = { provider: 'github', result: 'ok' };
		expect(grew('latchkey_provider_token_request_duration_seconds_count', calls)).toBe(1);
		expect(grew('latchkey_provider_token_request_duration_seconds_sum', calls)).toBeGreaterThan(0);
		expect(grew('latchkey_rate_limited_total', { limit: 'refresh-tokens' })).toBe(1);
		expect(grew('latchkey_sign_outs_total')).toBe(1);
	});

	test('names no token, user id or email', async ({
		request,
		newSignedInPage,
		login,
		privateStack
	}) => {
		const issued: string[] = [];
		privateStack.idp.onTokenEndpoint((event) => {
			if (!event.ok) return;
			for (const field of ['access_token', 'refresh_token', 'id_token']) {
				const value = event.body[field];
				if (typeof value === 'string') issued.push(value);
			}
		});
		const page = await newSignedInPage({ startAt: '/profile' });
		const googleLogin = `${login}-google`;
		await connect(page, 'Google', googleLogin);
		await page.goto('/connections');
		await refreshNow(page, 'GitHub');
		const status = await (await page.request.get('/api/get-session-status')).json();

		const body = await scrape(request);
		// A sign-in and a refresh with GitHub, a link with Google (with its id_token).
		expect(issued.length).toBeGreaterThanOrEqual(5);
		const identifying = [status.userId, login, googleLogin, `${login}@example.test`];
		for (const value of [...issued, ...identifying]) {
			expect(value).toBeTruthy();
			expect(body.includes(value), 'the metrics name a token or a user').toBe(false);
		}
	});
});

test.describe('/metrics on Postgres', () => {
	test.skip(process.env.TEST_DATABASE_URL === undefined, 'needs TEST_DATABASE_URL');
	test.use({
		appOptions: { env: { METRICS_TOKEN }, database: 'postgres' },
		baseURL: privateAppUrl
	});

	test("shows the pool's limit, and the active sessions counted at most once a minute", async ({
		request,
		signedInPage: page
	}) => {
		const first = await scrape(request);
		expect(readSample(first, 'latchkey_db_pool_max_connections', { driver: 'postgres' })).toBe(10);
		expect(readSample(first, 'latchkey_active_sessions')).toBe(1);

		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page).toHaveURL('/signin');
		// Within the minute the count is not read again.
		expect(readSample(await scrape(request), 'latchkey_active_sessions')).toBe(1);
	});
});

test('a METRICS_TOKEN under 16 characters stops the start with one clear line', async () => {
	const port = await freePort();
	const app = runBuild({
		PATH: process.env.PATH,
		AUTH_SECRET: 'metrics-startup-secret-0123456789abcdefghijklmnop',
		AUTH_GITHUB_ID: 'id',
		AUTH_GITHUB_SECRET: 'secret',
		PGLITE_DATA_DIR: 'memory://',
		ORIGIN: `http://127.0.0.1:${port}`,
		PORT: String(port),
		METRICS_TOKEN: 'hunter2-hunter2'
	});
	expect(await app.exited).toBe(1);
	const lines = app.output().trim().split('\n');
	expect(lines).toEqual([
		expect.stringContaining('Latchkey cannot start: METRICS_TOKEN must be at least 16 characters')
	]);
	expect(app.output()).not.toContain('hunter2');
});
