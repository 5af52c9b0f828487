import type { Page } from '@playwright/test';
import { expect, privateAppUrl, test, type NewSignedInPage } from './fixtures';

// Each session is checked against the database at most once a second here (60 s by default).
test.use({ appOptions: { env: { AUTH_SESSION_CHECK_SECONDS: '1' } }, baseURL: privateAppUrl });

/** A browser of its own (own cookies) signed in as the test's login, on the sessions page. */
async function device(newSignedInPage: NewSignedInPage): Promise<Page> {
	const page = await newSignedInPage();
	await page.goto('/account/sessions');
	return page;
}

const sessionList = (page: Page) => page.getByRole('list', { name: 'Active sessions' });

/** The browser is signed out: a protected page now sends it to sign in. */
async function expectSignedOut(page: Page) {
	await expect(async () => {
		await page.goto('/profile');
		await expect(page).toHaveURL('/signin?redirectedFrom=%2Fprofile', { timeout: 500 });
	}).toPass({ timeout: 5_000 });
}

test('two browsers see both sessions; revoking one signs it out, and a forged revoke does nothing', async ({
	newSignedInPage
}) => {
	const laptop = await device(newSignedInPage);
	const phone = await device(newSignedInPage);
	await laptop.reload();

	const items = sessionList(laptop).getByRole('listitem');
	await expect(items).toHaveCount(2);
	await expect(sessionList(laptop).getByText('This device')).toHaveCount(1);
	await expect(items.first()).toContainText('Chrome on Linux');

	// A cross-site revoke is refused and changes nothing.
	const forged = await laptop.request.post('/account/sessions?/revokeOthers', {
		form: {},
		headers: { origin: 'https://evil.example' }
	});
	expect(forged.status()).toBe(403);
	await laptop.reload();
	await expect(items).toHaveCount(2);

	await items
		.filter({ hasNotText: 'This device' })
		.getByRole('button', { name: 'Sign out this session' })
		.click();
	await expect(laptop.getByRole('status')).toHaveText('Signed out 1 other session.');
	await expect(items).toHaveCount(1);

	await expectSignedOut(phone);
	await laptop.goto('/profile');
	await expect(laptop).toHaveURL('/profile');
	await laptop.goto('/account/sessions');
	await expect(laptop.getByRole('list', { name: 'Recent activity' })).toContainText(
		'Session revoked'
	);
});

test('"sign out everywhere else" ends every other session, and signing out ends this one', async ({
	newSignedInPage
}) => {
	const [first, second, third] = [
		await device(newSignedInPage),
		await device(newSignedInPage),
		await device(newSignedInPage)
	];
	await first.reload();
	await expect(sessionList(first).getByRole('listitem')).toHaveCount(3);

	await first.getByRole('button', { name: 'Sign out everywhere else' }).click();
	await expect(first.getByRole('status')).toHaveText('Signed out 2 other sessions.');
	await expectSignedOut(second);
	await expectSignedOut(third);

	await first.getByRole('button', { name: 'Sign out', exact: true }).click();
	await expect(first).toHaveURL('/signin');
	const again = await device(newSignedInPage);
	await expect(sessionList(again).getByRole('listitem')).toHaveCount(1);
	const activity = again.getByRole('list', { name: 'Recent activity' });
	await expect(activity).toContainText('Signed out');
	await expect(activity).toContainText('Signed in (GitHub)');
	await expect(activity).toContainText('Account linked (GitHub)');
});
