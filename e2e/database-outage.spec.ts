import { expect, test } from '@playwright/test';
import { startTestApp, type TestApp } from './support/app';
import { createFreshDatabase } from './support/database';
import { signIn, uniqueLogin } from './support/sign-in';
import { startTcpProxy } from './support/tcp-proxy';

// Note: an outage needs a database server to lose, so this runs where TEST_DATABASE_URL names
// one (as in CI); embedded PGlite cannot go down.
const serverUrl = process.env.TEST_DATABASE_URL;
const DATABASE = 'latchkey_e2e_outage';

test.describe('when the database goes down', () => {
	test.skip(serverUrl === undefined, 'needs TEST_DATABASE_URL: PGlite cannot go down');
	let app: TestApp;
	let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

	test.beforeAll(async () => {
		const viaProxy = await createFreshDatabase(serverUrl!, DATABASE);
		proxy = await startTcpProxy({ host: viaProxy.hostname, port: Number(viaProxy.port || 5432) });
		viaProxy.host = `127.0.0.1:${proxy.port}`;
		app = await startTestApp(4182, {
			env: { DATABASE_URL: viaProxy.href, PGLITE_DATA_DIR: undefined }
		});
	});
	test.afterAll(async () => {
		await app?.stop();
		await proxy?.close();
	});

	test('pages answer 503 with a friendly message, and recover without a restart', async ({
		browser
	}) => {
		const context = await browser.newContext({ baseURL: app.url });
		const page = await context.newPage();
		await page.goto('/profile');
		await signIn(page, 'GitHub', uniqueLogin('outage'));
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
		await context.close();
	});
});
