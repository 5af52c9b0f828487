import { expect, test } from './fixtures';
import { displayNameOf, signIn, type ProviderName } from './support/sign-in';

for (const provider of ['GitHub', 'Google', 'Single sign-on'] satisfies ProviderName[]) {
	test(`signs in with the local ${provider} and shows the profile`, async ({ page, login }) => {
		await signIn(page, provider, login);

		await expect(page).toHaveURL('/');
		const header = page.getByRole('banner');
		await expect(header.getByRole('link', { name: displayNameOf(login) })).toBeVisible();
		await expect(header.getByRole('button', { name: 'Sign out' })).toBeVisible();

		await header.getByRole('link', { name: displayNameOf(login) }).click();
		await expect(page).toHaveURL('/profile');
		await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
		await expect(page.getByTestId('profile-name')).toHaveText(displayNameOf(login));
		await expect(page.getByText(`${login}@example.test`)).toBeVisible();
		await expect(page.getByRole('list', { name: 'Linked providers' })).toHaveText(provider);
	});
}

test('a protected page sends a signed-out visitor to sign in, then back', async ({
	page,
	login
}) => {
	await page.goto('/profile?tab=name');
	await expect(page).toHaveURL('/signin?redirectedFrom=%2Fprofile%3Ftab%3Dname');

	await signIn(page, 'GitHub', login);
	await expect(page).toHaveURL('/profile?tab=name');
	await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
});

test('a foreign redirectedFrom lands on the home page after sign-in', async ({ page, login }) => {
	await page.goto('/signin?redirectedFrom=%2F%2Fevil.example%2Fphish');
	await signIn(page, 'Google', login);
	await expect(page).toHaveURL('/');
});

test('the sign-in page explains Auth.js errors', async ({ page }) => {
	await page.goto('/signin?error=OAuthAccountNotLinked');
	await expect(page.getByRole('alert')).toContainText('already belongs to an account');
	await page.goto('/signin?error=SomethingUnheardOf');
	await expect(page.getByRole('alert')).toHaveText(
		'Sign-in could not be completed. Please try again.'
	);
});

test('the sign-in buttons work without JavaScript', async ({ browser, login }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await signIn(page, 'GitHub', login);
	await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
	await context.close();
});

test('the session cookie is HttpOnly, SameSite=Lax, Path=/, and not Secure on http', async ({
	signedInPage: page
}) => {
	const context = page.context();
	const cookie = (await context.cookies()).find(({ name }) => name === 'authjs.session-token');
	expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
});

test('signed-in page views send no Set-Cookie: the session cookie stays as sign-in set it', async ({
	signedInPage: page
}) => {
	const context = page.context();
	const sessionCookie = async () =>
		(await context.cookies()).find(({ name }) => name === 'authjs.session-token');
	const before = await sessionCookie();
	expect(before).toBeDefined();

	for (const path of ['/', '/profile', '/connections']) {
		const response = await page.goto(path);
		expect(response?.status()).toBe(200);
		expect(await response?.headerValue('set-cookie')).toBeNull();
	}
	const status = await page.request.get('/api/get-session-status');
	expect(status.status()).toBe(200);
	expect(status.headers()['set-cookie']).toBeUndefined();
	expect(await sessionCookie()).toEqual(before);
});
