import type { Page } from '@playwright/test';
import { SESSION_STATUS_TTL_MS } from '../src/lib/timings';
import { expect, test } from './fixtures';
import { waitForHydration } from './support/hydration';
import { signIn } from './support/sign-in';

/** Counts this page's session-status requests from now on. */
function countStatusChecks(page: Page): { readonly count: number } {
	const checks = { count: 0 };
	page.on('request', (request) => {
		if (new URL(request.url()).pathname === '/api/get-session-status') checks.count++;
	});
	return checks;
}

/** Ten client navigations through the signed-in pages, by their links. */
async function browseTenPages(page: Page): Promise<void> {
	const stops = ['/profile', '/connections', '/account/sessions', '/', '/profile'];
	for (let round = 0; round < 2; round++) {
		for (const path of stops) {
			await page.locator(`header a[href="${path}"], main a[href="${path}"]`).first().click();
			await expect(page).toHaveURL(path);
		}
	}
}

test('10 client navigations within 20 s ask the status at most once', async ({
	signedInPage: page
}) => {
	await waitForHydration(page);
	const checks = countStatusChecks(page);
	const started = Date.now();
	await browseTenPages(page);
	expect(Date.now() - started).toBeLessThan(SESSION_STATUS_TTL_MS);
	expect(checks.count).toBeLessThanOrEqual(1);
});

test('a sign-in and 10 client navigations within 20 s ask the status at most twice', async ({
	page,
	login
}) => {
	const checks = countStatusChecks(page);
	const started = Date.now();
	await signIn(page, 'Google', login);
	await waitForHydration(page);
	await browseTenPages(page);
	expect(Date.now() - started).toBeLessThan(SESSION_STATUS_TTL_MS);
	expect(checks.count).toBeLessThanOrEqual(2);
});

test('once the last word is stale, the next guarded navigation asks once, then trusts it', async ({
	page,
	login
}) => {
	await page.clock.install();
	await signIn(page, 'Google', login);
	await waitForHydration(page);
	const checks = countStatusChecks(page);

	await page.clock.fastForward(SESSION_STATUS_TTL_MS + 1_000);
	const answer = page.waitForResponse('**/api/get-session-status');
	await page.getByRole('link', { name: 'Open your profile' }).click();
	expect((await answer).status()).toBe(200);
	await expect(page).toHaveURL('/profile');
	await page.getByRole('link', { name: 'Connections' }).click();
	await expect(page).toHaveURL('/connections');
	expect(checks.count).toBe(1);
});

test('a failing status check keeps the user on the page, with one message and no loop', async ({
	page,
	login
}) => {
	await page.clock.install();
	await signIn(page, 'GitHub', login);
	await waitForHydration(page);
	const checks = countStatusChecks(page);
	await page.route('**/api/get-session-status', (route) => route.abort('internetdisconnected'));

	await page.clock.fastForward(SESSION_STATUS_TTL_MS + 1_000);
	await page.getByRole('link', { name: 'Open your profile' }).click();
	// The server still guards the page: it opens, and the user is still signed in.
	await expect(page).toHaveURL('/profile');
	await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	const message = page.getByRole('status').filter({ hasText: 'could not check your sign-in' });
	await expect(message).toHaveCount(1);
	await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

	await page.getByRole('link', { name: 'Connections' }).click();
	await expect(page).toHaveURL('/connections');
	await expect(message).toHaveCount(1);
	// One attempt per guarded navigation: a failure is never retried in a loop.
	await page.clock.runFor(5_000);
	expect(checks.count).toBe(2);
});

test('a signed-in page is rendered with the signed-in header: no flash of "Sign in"', async ({
	signedInPage: page
}) => {
	// The HTML as the server sends it, before any script runs.
	const html = await (await page.request.get('/connections')).text();
	const header = html.slice(html.indexOf('<header'), html.indexOf('</header>'));
	expect(header).toContain('Sign out');
	expect(header).not.toContain('>Sign in<');
});
