import { expect, test } from './fixtures';
import { signIn } from './support/sign-in';

test.beforeEach(async ({ page, login }) => {
	await page.goto('/profile');
	await signIn(page, 'GitHub', login);
	await expect(page).toHaveURL('/profile');
});

test('editing the display name saves it and updates the header', async ({ page }) => {
	const nameField = page.getByLabel('Display name');
	await nameField.fill('  Ada Lovelace  ');
	await page.getByRole('button', { name: 'Save' }).click();

	await expect(page.getByRole('status')).toHaveText('Saved.');
	await expect(page.getByTestId('profile-name')).toHaveText('Ada Lovelace');
	await expect(page.getByRole('banner').getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();

	await page.reload();
	await expect(page.getByTestId('profile-name')).toHaveText('Ada Lovelace');
	await expect(page.getByRole('banner').getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
});

test('an invalid display name shows an inline error and saves nothing', async ({ page }) => {
	const before = await page.getByTestId('profile-name').textContent();
	const nameField = page.getByLabel('Display name');

	await nameField.fill('   ');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByText('Enter a display name.')).toBeVisible();
	await expect(nameField).toHaveAttribute('aria-invalid', 'true');

	await nameField.fill('x'.repeat(81));
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByText('Use at most 80 characters (this one has 81).')).toBeVisible();

	await page.reload();
	await expect(page.getByTestId('profile-name')).toHaveText(before ?? '');
	expect(before).not.toBe('');
});

test('signing out lands on /signin and ends the session', async ({ page, context }) => {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL('/signin');
	await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();

	const cookies = await context.cookies();
	expect(cookies.map((cookie) => cookie.name)).not.toContain('authjs.session-token');
	const status = await page.request.get('/api/get-session-status');
	expect(status.status()).toBe(401);

	await page.goto('/profile');
	await expect(page).toHaveURL('/signin?redirectedFrom=%2Fprofile');
});

test('deleting the account needs confirmation, then signs out and forgets the user', async ({
	page,
	login
}) => {
	const id = await page.getByTestId('profile-id').textContent();
	const remove = page.getByRole('button', { name: 'Delete my account' });

	await remove.click();
	await expect(page.getByText('Type DELETE to confirm.')).toBeVisible();
	await expect(page).toHaveURL('/profile');

	await page.getByLabel('Type DELETE to confirm').fill('DELETE');
	await remove.click();
	await expect(page).toHaveURL('/');
	await expect(page.getByRole('link', { name: 'Sign in to get started' })).toBeVisible();
	expect((await page.request.get('/api/get-session-status')).status()).toBe(401);

	// The same login signs up afresh: the old user is gone.
	await page.goto('/profile');
	await signIn(page, 'GitHub', login);
	await expect(page).toHaveURL('/profile');
	await expect(page.getByTestId('profile-id')).not.toHaveText(id ?? '');
});
