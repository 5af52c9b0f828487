import type { Page } from '@playwright/test';
import type { Idp } from '../idp/provider.js';
import { expect, privateAppUrl, test } from './fixtures';
import { connect, reconnect, signIn } from './support/sign-in';

// The private app signs in with the local IdP's OIDC issuer under the name a team would give its
// IdP, and that issuer's access tokens live 5 s: the app renews each in its last quarter.
const NAME = 'Okta';
const TTL_SECONDS = 5;

type TokenEvent = Parameters<Parameters<Idp['onTokenEndpoint']>[0]>[0];

test.use({
	appOptions: { accessTokenTtl: TTL_SECONDS, env: { AUTH_OIDC_NAME: NAME } },
	baseURL: privateAppUrl
});

const linkedProviders = (page: Page) =>
	page.getByRole('list', { name: 'Linked providers' }).getByRole('listitem');

/** Signs in with GitHub from /profile, then connects the issuer there: two linked providers. */
async function signInWithGitHubAndConnectIssuer(page: Page, login: string) {
	await page.goto('/profile');
	await signIn(page, 'GitHub', login);
	await connect(page, NAME, login);
	await expect(linkedProviders(page)).toHaveText(['GitHub', NAME]);
}

test('the sign-in page offers the OIDC issuer by its configured name, and signs in with it', async ({
	page,
	login
}) => {
	await page.goto('/');
	await expect(page.locator('.lead')).toContainText(`Sign in with GitHub, Google, or ${NAME} and`);
	await page.goto('/signin');
	await expect(page.getByRole('button', { name: /^Sign in with/ })).toHaveText([
		'Sign in with GitHub',
		'Sign in with Google',
		`Sign in with ${NAME}`
	]);

	await signIn(page, NAME, login);
	await expect(page).toHaveURL('/');
	await page.goto('/profile');
	await expect(linkedProviders(page)).toHaveText([NAME]);
	await expect(page.getByText(`${login}@example.test`)).toBeVisible();

	// The card calls the issuer's userinfo endpoint with the current access token.
	await page.goto('/connections');
	const card = page.getByRole('region', { name: NAME });
	await expect(card.getByTestId('oidc-profile')).toContainText(`(${login}@example.test)`);
	await expect(card.getByRole('button', { name: 'Refresh now' })).toBeVisible();
});

test('a GitHub user connects the OIDC issuer, then signs in with it as the same user', async ({
	page,
	login,
	newSignedInPage
}) => {
	await signInWithGitHubAndConnectIssuer(page, login);
	await expect(page).toHaveURL('/profile');
	const id = await page.getByTestId('profile-id').textContent();
	await expect(page.getByRole('button', { name: `Unlink ${NAME}` })).toBeVisible();

	// Another browser signs in with the issuer alone, as the same user, while this session lives.
	const other = await newSignedInPage({ provider: NAME, login, startAt: '/profile' });
	await expect(other).toHaveURL('/profile');
	await expect(other.getByTestId('profile-id')).toHaveText(id ?? '');
	await expect(linkedProviders(other)).toHaveText(['GitHub', NAME]);
});

test('signed out everywhere, then in with the issuer alone: GitHub waits to be reconnected', async ({
	page,
	login,
	newSignedInPage
}) => {
	await signInWithGitHubAndConnectIssuer(page, login);
	// Signing out of the last session forgets every provider token.
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL('/signin');
	// The forgotten GitHub token would have expired by now: nothing is left to be due.
	await page.waitForTimeout(TTL_SECONDS * 1000);

	const other = await newSignedInPage({ provider: NAME, login, startAt: '/connections' });
	await expect(other).toHaveURL('/connections');
	const github = other.getByRole('region', { name: 'GitHub' });
	await expect(github.getByRole('alert')).toHaveText(
		'Latchkey holds no GitHub tokens since you signed out. Reconnect to use GitHub here.'
	);
	await expect(other.getByRole('region', { name: NAME }).getByTestId('oidc-profile')).toContainText(
		login
	);
	expect((await other.request.get('/api/get-session-status')).status()).toBe(200);

	await reconnect(other, 'GitHub', login);
	await expect(other).toHaveURL('/connections');
	await expect(github.getByTestId('github-profile')).toContainText(login);
	await expect(github.getByRole('alert')).toHaveCount(0);
});

test('a 5 s token rotates once per expiry', async ({ page, login, privateApp }) => {
	const grants: { at: number; event: TokenEvent }[] = [];
	privateApp.idp.onTokenEndpoint((event) => grants.push({ at: Date.now(), event }));
	const refreshes = () => grants.filter(({ event }) => event.grantType === 'refresh_token');
	await signIn(page, NAME, login);

	// A user who keeps using the app: a session check every 200 ms, through two expiries.
	const statuses: number[] = [];
	const useApp = async (until: () => boolean) => {
		while (!until()) {
			statuses.push((await page.request.get('/api/get-session-status')).status());
			await page.waitForTimeout(200);
		}
	};
	const deadline = Date.now() + 3 * TTL_SECONDS * 1000;
	await useApp(() => refreshes().length >= 2 || Date.now() > deadline);
	// The third token's window is at least 2.75 s away: nothing more is due until then.
	const quiet = Date.now() + 1_500;
	await useApp(() => Date.now() > quiet);

	expect(refreshes()).toHaveLength(2);
	expect(grants.filter(({ event }) => !event.ok)).toEqual([]);
	expect(grants.map(({ event }) => event.provider)).toEqual(['oidc', 'oidc', 'oidc']);
	expect(statuses).toEqual(statuses.map(() => 200));
	// Each token was renewed once, before it expired and not before its last half.
	const issuedAt = grants.map(({ at }) => at);
	for (let i = 1; i < issuedAt.length; i++) {
		const life = issuedAt[i]! - issuedAt[i - 1]!;
		expect(life).toBeGreaterThan((TTL_SECONDS / 2) * 1000);
		expect(life).toBeLessThan(TTL_SECONDS * 1000 + 250);
	}

	await page.goto('/connections');
	const card = page.getByRole('region', { name: NAME });
	await expect(card.getByTestId('oidc-rotated').locator('time')).toBeVisible();
});
