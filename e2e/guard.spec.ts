import { expect, test } from '@playwright/test';
import { signIn, uniqueLogin } from './support/sign-in';

test('a client navigation after signing out in another tab goes to /signin', async ({
	context
}) => {
	const first = await context.newPage();
	await signIn(first, 'GitHub', uniqueLogin('tabs'));
	await expect(first).toHaveURL('/');

	const second = await context.newPage();
	await second.goto('/');
	await second.getByRole('button', { name: 'Sign out' }).click();
	await expect(second).toHaveURL('/signin');

	// The first tab still shows the signed-in header; its next navigation is a client one.
	const statusCheck = first.waitForResponse('**/api/get-session-status');
	await first.getByRole('link', { name: 'Open your profile' }).click();
	expect((await statusCheck).status()).toBe(401);
	await expect(first).toHaveURL('/signin?redirectedFrom=%2Fprofile');
	await expect(first.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('a signed-in client navigation checks the status once, then trusts it for 20 s', async ({
	page
}) => {
	await signIn(page, 'Google', uniqueLogin('browse'));
	const checks: number[] = [];
	page.on('request', (request) => {
		if (request.url().endsWith('/api/get-session-status')) checks.push(Date.now());
	});

	for (let round = 0; round < 3; round++) {
		await page.getByRole('link', { name: 'Open your profile' }).click();
		await expect(page).toHaveURL('/profile');
		await page.getByRole('link', { name: 'Latchkey' }).click();
		await expect(page).toHaveURL('/');
	}
	expect(checks).toHaveLength(1);
});
