import { expect, privateAppUrl, test as base } from './fixtures';
import { startTcpProxy } from '../idp/testkit/tcp-proxy.js';

// Note: an outage needs a database server to lose, so this runs where TEST_DATABASE_URL names
// one (as in CI); embedded PGlite cannot go down.
const serverUrl = process.env.TEST_DATABASE_URL;

const test = base.extend<{ databaseProxy: Awaited<ReturnType<typeof startTcpProxy>> }>({
	// The private app reaches its database through a proxy that the test cuts and restores.
	databaseProxy: async ({ freshDatabase }, use) => {
		const { hostname, port } = freshDatabase!;
		const proxy = await startTcpProxy({ host: hostname, port: Number(port || 5432) });
		await use(proxy);
		await proxy.close();
	},
	appDatabaseUrl: async ({ freshDatabase, databaseProxy }, use) => {
		const viaProxy = new URL(freshDatabase!);
		viaProxy.host = `127.0.0.1:${databaseProxy.port}`;
		await use(viaProxy.href);
	}
});

test.describe('when the database goes down', () => {
	test.skip(serverUrl === undefined, 'needs TEST_DATABASE_URL: PGlite cannot go down');
	test.use({ appOptions: { database: 'postgres' }, baseURL: privateAppUrl });

	test('pages answer 503 with a friendly message, and recover without a restart', async ({
		newSignedInPage,
		databaseProxy: proxy
	}) => {
		const page = await newSignedInPage({ startAt: '/profile' });
		await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();

		await proxy.cut();
		const down = await page.goto('/profile');
		expect(down?.status()).toBe(503);
		expect(down?.headers()['retry-after']).toBe('5');
		await expect(page.getByRole('alert')).toHaveText(
			'The service is briefly unavailable. Please try again in a moment.'
		);
		await expect(page.locator('body')).not.toContainText('ECONNREFUSED');

		await proxy.restore();
		const up = await page.goto('/profile');
		expect(up?.status()).toBe(200);
		await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	});

	test('/api/ready is 503 saying only what is down while the database is down (the detail is logged), and 200 again after, with no restart; /api/health stays 200', async ({
		request,
		databaseProxy: proxy,
		privateApp: app
	}) => {
		expect((await request.get('/api/ready')).status()).toBe(200);

		await proxy.cut();
		const down = await request.get('/api/ready');
		expect(down.status()).toBe(503);
		expect(down.headers()['cache-control']).toContain('no-store');
		// Nothing about the database itself (its driver's errors, its tables) reaches the public.
		expect(await down.json()).toEqual({ status: 'unavailable', reason: 'database unavailable' });
		expect(app.output()).toMatch(/\[ready\] not ready: database unavailable: \S/);
		expect((await request.get('/api/health')).status()).toBe(200);

		await proxy.restore();
		await expect.poll(async () => (await request.get('/api/ready')).status()).toBe(200);
	});
});
