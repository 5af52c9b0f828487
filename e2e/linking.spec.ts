import type { Page } from '@playwright/test';
import { UNVERIFIED_EMAIL_LOGIN_PREFIX } from '../idp/accounts.js';
import { expect, test } from './fixtures';
import { connect, signIn, uniqueLogin } from './support/sign-in';

// Note: the local IdPs give a login the same email at GitHub and Google (`<login>@example.test`).

const linkedProviders = (page: Page) =>
	page.getByRole('list', { name: 'Linked providers' }).getByRole('listitem');

/** Signs in with GitHub from /profile and returns the user id it shows. */
async function signInToProfile(page: Page, login: string): Promise<string> {
	await page.goto('/profile');
	await signIn(page, 'GitHub', login);
	await expect(page).toHaveURL('/profile');
	return (await page.getByTestId('profile-id').textContent()) ?? '';
}

async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL('/signin');
}

test('a GitHub user connects Google, then signs in with Google as the same user', async ({
	page,
	login
}) => {
	const id = await signInToProfile(page, login);

	await connect(page, 'Google', login);
	await expect(page).toHaveURL('/profile');
	await expect(linkedProviders(page)).toHaveText(['GitHub', 'Google']);
	// Only the OIDC issuer, which this user has not linked, is left to connect.
	await expect(page.getByRole('button', { name: /^Connect/ })).toHaveText([
		'Connect Single sign-on'
	]);

	// Linking is not a second sign-in: this browser keeps its one session.
	await page.goto('/account/sessions');
	await expect(
		page.getByRole('list', { name: 'Active sessions' }).getByRole('listitem')
	).toHaveCount(1);
	const activity = page.getByRole('list', { name: 'Recent activity' }).getByRole('listitem');
	await expect(activity.filter({ hasText: 'Account linked (google)' })).toHaveCount(1);
	await expect(activity.filter({ hasText: 'Signed in' })).toHaveCount(1);

	await signOut(page);
	await signIn(page, 'Google', login);
	await page.goto('/profile');
	await expect(page.getByTestId('profile-id')).toHaveText(id);
	await expect(linkedProviders(page)).toHaveText(['GitHub', 'Google']);
});

test("connecting another user's account is refused, and nothing is merged", async ({
	page,
	browser
}) => {
	const [loginA, loginB] = [uniqueLogin('owner-a'), uniqueLogin('owner-b')];
	const other = await (await browser.newContext()).newPage();
	await other.goto('/profile');
	await signIn(other, 'Google', loginB);
	const idB = (await other.getByTestId('profile-id').textContent()) ?? '';

	const idA = await signInToProfile(page, loginA);
	await connect(page, 'Google', loginB);

	await expect(page).toHaveURL('/profile?linkError=OAuthAccountNotLinked');
	await expect(page.getByRole('alert')).toHaveText(
		'That account is already linked to another Latchkey user, so it was not connected to ' +
			'yours. Nothing was merged.'
	);
	await expect(page.getByTestId('profile-id')).toHaveText(idA);
	await expect(linkedProviders(page)).toHaveText(['GitHub']);

	// B's Google account still signs B in, and B did not gain GitHub.
	await signOut(other);
	await signIn(other, 'Google', loginB);
	await other.goto('/profile');
	await expect(other.getByTestId('profile-id')).toHaveText(idB);
	expect(idB).not.toBe(idA);
	await expect(linkedProviders(other)).toHaveText(['Google']);
});

test('signed out, a Google account with a GitHub user’s email is not linked; /signin says what to do', async ({
	page,
	login
}) => {
	const id = await signInToProfile(page, login);
	await signOut(page);

	await signIn(page, 'Google', login);
	await expect(page).toHaveURL('/signin?error=OAuthAccountNotLinked');
	await expect(page.getByRole('alert')).toHaveText(
		'This email address already belongs to an account that signs in with another provider. ' +
			'Sign in with that provider, then connect this one from your profile.'
	);
	expect((await page.request.get('/api/get-session-status')).status()).toBe(401);

	// Following the advice works.
	await signIn(page, 'GitHub', login);
	await page.goto('/profile');
	await connect(page, 'Google', login);
	await expect(page.getByTestId('profile-id')).toHaveText(id);
	await expect(linkedProviders(page)).toHaveText(['GitHub', 'Google']);
});

test('a provider can be unlinked while another remains, never the last one', async ({
	page,
	login
}) => {
	await signInToProfile(page, login);
	await connect(page, 'Google', login);
	await expect(page.getByRole('button', { name: 'Unlink Google' })).toBeVisible();

	await page.getByRole('button', { name: 'Unlink GitHub' }).click();
	await expect(page.getByRole('status')).toHaveText('GitHub unlinked.');
	await expect(linkedProviders(page)).toHaveText(['Google']);
	await expect(page.getByRole('button', { name: /^Unlink/ })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Connect GitHub' })).toBeVisible();

	// Posting the form anyway, as a browser without JavaScript would, is refused by the server.
	const last = await page.request.post('/profile?/unlink', {
		form: { provider: 'google' },
		headers: { origin: new URL(page.url()).origin, accept: 'text/html' }
	});
	expect(last.status()).toBe(400);
	expect(await last.text()).toContain('You cannot unlink your only sign-in method.');
	await page.reload();
	await expect(linkedProviders(page)).toHaveText(['Google']);

	await page.goto('/account/sessions');
	await expect(page.getByRole('list', { name: 'Recent activity' })).toContainText(
		'Account unlinked (GitHub)'
	);
	// The unlinked GitHub account no longer signs in to this user.
	await signOut(page);
	await signIn(page, 'GitHub', login);
	await expect(page).toHaveURL('/signin?error=OAuthAccountNotLinked');
});

// `unverified-<login>` claims `<login>@example.test` at the local IdPs, unverified.
for (const provider of ['Single sign-on', 'Google', 'GitHub'] as const) {
	test(`a ${provider} account with an unverified email signs up without it; the address's owner still signs up`, async ({
		page
	}) => {
		const owner = uniqueLogin('owner');
		await page.goto('/profile');
		await signIn(page, provider, `${UNVERIFIED_EMAIL_LOGIN_PREFIX}${owner}`);
		await expect(page).toHaveURL('/profile');
		await expect(page.getByText(`${owner}@example.test`)).toHaveCount(0);
		const claimantId = (await page.getByTestId('profile-id').textContent()) ?? '';
		await signOut(page);

		// The real owner of the address signs up with it: not refused as someone else's.
		await page.goto('/profile');
		await signIn(page, 'Google', owner);
		await expect(page).toHaveURL('/profile');
		await expect(page.getByText(`${owner}@example.test`)).toBeVisible();
		await expect(page.getByTestId('profile-id')).not.toHaveText(claimantId);
	});
}
