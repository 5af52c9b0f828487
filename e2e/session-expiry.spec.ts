import type { Locator, Page } from '@playwright/test';
import { expect, privateAppUrl, test } from './fixtures';
import { signIn } from './support/sign-in';

// Sessions last 4 minutes here, so every page is within 5 minutes of the session's end.
test.use({
	appOptions: { env: { AUTH_SESSION_MAX_AGE: '240', AUTH_SESSION_UPDATE_AGE: '60' } },
	baseURL: privateAppUrl
});

/** Presses Tab until `target` has the focus, as a keyboard user would (at most 20 times). */
async function tabTo(page: Page, target: Locator): Promise<void> {
	for (let presses = 0; presses < 20; presses++) {
		if (await target.evaluate((element) => element === document.activeElement)) return;
		await page.keyboard.press('Tab');
	}
}

/** The banner's countdown ("3 min 58 s") in seconds. */
function secondsLeft(text: string | null): number {
	const [, minutes = '0', seconds] = (text ?? '').match(/(?:(\d+) min )?(\d+) s/)!;
	return Number(minutes) * 60 + Number(seconds);
}

test('near its end the session offers, accessibly, to stay signed in; that moves the end', async ({
	signedInPage: page
}) => {
	const banner = page.getByRole('status').filter({ hasText: 'Your session ends soon' });
	await expect(banner).toBeVisible();
	const before = secondsLeft(await banner.textContent());
	expect(before).toBeLessThanOrEqual(240);
	await expect.poll(async () => secondsLeft(await banner.textContent())).toBeLessThan(before - 2);

	// Keyboard only: the buttons are reachable with Tab.
	const stay = banner.getByRole('button', { name: 'Stay signed in' });
	await tabTo(page, stay);
	await expect(stay).toBeFocused();
	const extended = page.waitForResponse('**/api/extend-session');
	await page.keyboard.press('Enter');
	expect((await extended).status()).toBe(200);
	await expect
		.poll(async () => secondsLeft(await banner.textContent()))
		.toBeGreaterThan(before - 2);
});

test('signing in again from the banner returns to the same page', async ({
	newSignedInPage,
	login
}) => {
	const page = await newSignedInPage({ provider: 'Google' });
	await page.goto('/connections');
	const banner = page.getByRole('status').filter({ hasText: 'Your session ends soon' });
	await banner.getByRole('link', { name: 'Sign in again' }).click();
	await expect(page).toHaveURL('/signin?redirectedFrom=%2Fconnections&reauth=1');

	await signIn(page, 'Google', login);
	await expect(page).toHaveURL('/connections');
	await expect(page.getByRole('heading', { name: 'Connections' })).toBeVisible();
});
