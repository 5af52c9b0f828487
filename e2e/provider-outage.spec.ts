import { expect, privateAppUrl, test } from './fixtures';

test.use({ baseURL: privateAppUrl });

test('an unreachable provider gives a clear message on /signin, not a 500', async ({
	page,
	privateApp: app
}) => {
	await page.goto('/signin');
	await app.idp.close();

	await page.getByRole('button', { name: 'Sign in with Google' }).click();
	await expect(page).toHaveURL('/signin?error=Configuration');
	await expect(page.getByRole('alert')).toHaveText(
		'Sign-in is unavailable because of a problem on our side. Please try again later.'
	);
});
