import { expect, test } from '@playwright/test';
import { signIn } from '../support/sign-in';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 720 };
const OUTPUT = new URL('.', import.meta.url).pathname;

test('/connections on a phone (dark scheme) and on a desktop (light scheme)', async ({
	browser
}) => {
	const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light' });
	const page = await context.newPage();
	await page.goto('/connections');
	await signIn(page, 'GitHub', 'ada.lovelace');

	// A rotation a few seconds after the sign-in, and "now" a few seconds later: the timeline
	// (30 s tokens, see the config) then shows its marks apart.
	const github = page.getByRole('region', { name: 'GitHub' });
	await page.waitForTimeout(6_000);
	await github.getByRole('button', { name: 'Refresh now' }).click();
	await expect(github.getByRole('status')).toHaveText(/^The access token now expires /);
	await page.waitForTimeout(4_000);
	await page.reload();
	await expect(github.getByTestId('rotation-mark')).toHaveCount(1);
	await page.screenshot({ path: `${OUTPUT}connections-desktop.png` });

	await page.emulateMedia({ colorScheme: 'dark' });
	await page.setViewportSize(PHONE);
	await page.screenshot({ path: `${OUTPUT}connections-phone.png`, fullPage: true });
	await context.close();
});
