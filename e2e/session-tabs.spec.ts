import type { BrowserContext } from '@playwright/test';
import { expect, test } from './fixtures';
import { waitForHydration } from './support/hydration';
import { signIn, uniqueLogin } from './support/sign-in';

async function signOutInAnotherTab(context: BrowserContext): Promise<void> {
	const first = await context.newPage();
	await signIn(first, 'GitHub', uniqueLogin('tabs'));
	const second = await context.newPage();
	await second.goto('/profile');
	await waitForHydration(second);
	await expect(second.getByRole('heading', { name: 'Your profile' })).toBeVisible();

	await first.getByRole('button', { name: 'Sign out' }).click();
	await expect(first).toHaveURL('/signin');
	await expect(second).toHaveURL('/signin?redirectedFrom=%2Fprofile', { timeout: 2_000 });
	await expect(second.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

test('signing out in one tab sends another tab on a protected page to /signin within 2 s', async ({
	context
}) => {
	await signOutInAnotherTab(context);
});

test('without BroadcastChannel, the storage event carries the sign-out just as fast', async ({
	context
}) => {
	await context.addInitScript(() => {
		// @ts-expect-error -- an older browser, which has no BroadcastChannel
		delete window.BroadcastChannel;
	});
	await signOutInAnotherTab(context);
});

test('a tab on a public page follows sign-in and sign-out in another tab, and stays put', async ({
	context
}) => {
	const home = await context.newPage();
	await home.goto('/');
	await waitForHydration(home);
	const header = home.getByRole('navigation', { name: 'Account' });
	await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();

	const other = await context.newPage();
	await signIn(other, 'Google', uniqueLogin('follow'));
	await expect(header.getByRole('button', { name: 'Sign out' })).toBeVisible({ timeout: 2_000 });

	await other.getByRole('button', { name: 'Sign out' }).click();
	await expect(other).toHaveURL('/signin');
	await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible({ timeout: 2_000 });
	await expect(home).toHaveURL('/');
});

test('a tab that comes back into view re-checks the status once it is stale', async ({
	context
}) => {
	const page = await context.newPage();
	await context.clock.install();
	await signIn(page, 'GitHub', uniqueLogin('visible'));
	await page.goto('/profile');
	await waitForHydration(page);
	await context.clearCookies();
	await context.clock.fastForward(30_000);

	// Note: headless tabs are always visible; this is the event a browser sends on return.
	await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
	await expect(page).toHaveURL('/signin?redirectedFrom=%2Fprofile');
});
