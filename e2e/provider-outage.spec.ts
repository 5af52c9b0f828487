import { expect, test } from '@playwright/test';
import { startTestApp, type TestApp } from './support/app';

let app: TestApp;

test.beforeAll(async () => {
	app = await startTestApp(4183);
});
test.afterAll(() => app?.stop());

test('an unreachable provider gives a clear message on /signin, not a 500', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: app.url });
	const page = await context.newPage();
	await page.goto('/signin');
	await app.idp.close();

	await page.getByRole('button', { name: 'Sign in with Google' }).click();
	await expect(page).toHaveURL('/signin?error=Configuration');
	await expect(page.getByRole('alert')).toHaveText(
		'Sign-in is unavailable because of a problem on our side. Please try again later.'
	);
	await context.close();
});
