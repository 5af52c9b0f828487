import type { TestApp } from '../idp/testkit/app.js';
import { expect, test } from './fixtures';

// 3 sign-in attempts per IP in any 2 s here (20 a minute by default).
test.use({ appOptions: { env: { AUTH_RATE_LIMIT: '3', AUTH_RATE_LIMIT_WINDOW_SECONDS: '2' } } });

test('sign-in attempts over the limit get a 429 page that says when to retry, then recover', async ({
	request,
	privateApp: app
}) => {
	const startSignIn = (path = '/signin') =>
		request.post(`${app.url}${path}`, {
			form: { providerId: 'github', redirectTo: '/' },
			headers: { origin: app.url, accept: 'text/html' },
			maxRedirects: 0
		});

	// Allowed: 302, on to the provider.
	for (let i = 0; i < 3; i++) expect((await startSignIn()).status()).toBe(302);
	const refused = await startSignIn();
	expect(refused.status()).toBe(429);
	const retryAfter = Number(refused.headers()['retry-after']);
	expect(retryAfter).toBeGreaterThanOrEqual(1);
	expect(retryAfter).toBeLessThanOrEqual(2);
	expect(await refused.text()).toContain(`Please try again in ${retryAfter} second`);

	// SvelteKit routes on the decoded path: every spelling of /signin is the same action.
	for (const path of ['/sign%69n', '/%73ignin', '/%73%69%67%6e%69%6e']) {
		expect((await startSignIn(path)).status(), path).toBe(429);
	}
	// A malformed escape is SvelteKit's 400, never a crash in the limiter.
	expect((await startSignIn('/sign%E0%A4%A')).status()).toBe(400);

	// Provider callbacks count against the same limit.
	const callback = await request.get(`${app.url}/auth/callback/github?code=x&state=y`, {
		maxRedirects: 0
	});
	expect(callback.status()).toBe(429);
	// Pages that are not sign-in attempts are not limited.
	expect((await request.get(`${app.url}/signin`)).status()).toBe(200);

	await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
	expect((await startSignIn()).status()).toBe(302);
});

// Note: instances share the limit only through a database server, so this needs TEST_DATABASE_URL.
test.describe('the sign-in limit across instances', () => {
	test.skip(
		process.env.TEST_DATABASE_URL === undefined,
		'needs TEST_DATABASE_URL: instances share the limit through Postgres'
	);
	// 4 attempts per IP per minute, for the whole cluster.
	test.use({
		appOptions: {
			database: 'postgres',
			instances: 2,
			env: { AUTH_RATE_LIMIT: '4', AUTH_RATE_LIMIT_WINDOW_SECONDS: '60' }
		}
	});

	test('two instances together allow the configured attempts, and a restart does not reset them', async ({
		request,
		privateApps: apps,
		restartPrivateApps
	}) => {
		const startSignIn = (app: TestApp) =>
			request.post(`${app.url}/signin`, {
				form: { providerId: 'github', redirectTo: '/' },
				headers: { origin: app.url, accept: 'text/html' },
				maxRedirects: 0
			});
		const [first, second] = apps as [TestApp, TestApp];
		for (const app of [first, second, first, second]) {
			expect((await startSignIn(app)).status()).toBe(302);
		}
		expect((await startSignIn(first)).status()).toBe(429);
		expect((await startSignIn(second)).status()).toBe(429);

		await restartPrivateApps({});
		for (const app of apps) expect((await startSignIn(app)).status()).toBe(429);
	});
});

test.describe('the sign-in limit for IPv6 clients', () => {
	// The address comes from X-Forwarded-For, as behind nginx: 2 attempts per network a minute.
	test.use({
		appOptions: {
			env: {
				ADDRESS_HEADER: 'x-forwarded-for',
				XFF_DEPTH: '1',
				AUTH_RATE_LIMIT: '2',
				AUTH_RATE_LIMIT_WINDOW_SECONDS: '60'
			}
		}
	});

	test('an IPv6 client is counted by its /64, and an IPv4-mapped address as its IPv4 address', async ({
		request,
		privateApp: app
	}) => {
		const startSignInFrom = async (address: string) =>
			(
				await request.post(`${app.url}/signin`, {
					form: { providerId: 'github', redirectTo: '/' },
					headers: { origin: app.url, accept: 'text/html', 'x-forwarded-for': address },
					maxRedirects: 0
				})
			).status();

		// One /64: a new address in it for each attempt does not make a new budget.
		expect(await startSignInFrom('2001:db8:1:2::1')).toBe(302);
		expect(await startSignInFrom('2001:db8:1:2:ffff:ffff:ffff:fffe')).toBe(302);
		expect(await startSignInFrom('2001:db8:1:2::3')).toBe(429);
		expect(await startSignInFrom('2001:DB8:1:2:0:0:0:4')).toBe(429);
		// Another /64 has its own.
		expect(await startSignInFrom('2001:db8:1:3::1')).toBe(302);

		expect(await startSignInFrom('198.51.100.7')).toBe(302);
		expect(await startSignInFrom('::ffff:198.51.100.7')).toBe(302);
		expect(await startSignInFrom('::ffff:198.51.100.7')).toBe(429);
		expect(await startSignInFrom('198.51.100.8')).toBe(302);
	});
});
