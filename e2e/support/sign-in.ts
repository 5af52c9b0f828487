import { expect, type Page } from '@playwright/test';

/**
 * A provider as its button names it: GitHub, Google, or the OIDC issuer by its AUTH_OIDC_NAME
 * ("Single sign-on" unless a test app sets another, e.g. "Okta").
 */
export type ProviderName = 'GitHub' | 'Google' | 'Single sign-on' | (string & {});

/** A login no other test uses, so every test starts with its own user. */
export function uniqueLogin(prefix: string): string {
	return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Signs in through the local IdP the way a person does: the provider button on /signin (or on
 * the page already open), the IdP's login form, then its consent page when it shows one.
 */
export async function signIn(page: Page, provider: ProviderName, login: string): Promise<void> {
	if (!new URL(page.url()).pathname.startsWith('/signin')) await page.goto('/signin');
	await completeAtIdp(page, `Sign in with ${provider}`, provider, login);
}

/** Connects another provider from /profile: its "Connect" button, then the IdP as in signIn. */
export async function connect(page: Page, provider: ProviderName, login: string): Promise<void> {
	await completeAtIdp(page, `Connect ${provider}`, provider, login);
}

/** Reconnects a provider from a /connections card whose tokens sign-out forgot. */
export async function reconnect(page: Page, provider: ProviderName, login: string): Promise<void> {
	await completeAtIdp(page, `Reconnect ${provider}`, provider, login);
}

/** Clicks the app's `button`, signs in at the local IdP as `login`, and waits to be back. */
async function completeAtIdp(page: Page, button: string, provider: ProviderName, login: string) {
	const appOrigin = new URL(page.url()).origin;
	await page.getByRole('button', { name: button }).click();

	await expect(page.getByRole('heading', { name: idpHeading(provider) })).toBeVisible();
	await page.getByLabel('Username').fill(login);
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();

	const authorize = page.getByRole('button', { name: 'Authorize' });
	const backAtApp = (url: URL) => url.origin === appOrigin;
	await Promise.race([page.waitForURL(backAtApp), authorize.waitFor()]);
	if (await authorize.isVisible()) await authorize.click();
	await page.waitForURL(backAtApp);
}

/** The heading of the local IdP's pages behind a provider's button (see idp/provider.js). */
function idpHeading(provider: ProviderName): string {
	return provider === 'GitHub' || provider === 'Google' ? `Local ${provider}` : 'Local OIDC';
}

/** The name the local IdP gives a login: its parts, capitalised. */
export function displayNameOf(login: string): string {
	return login
		.split(/[._-]+/)
		.map((part) => part.charAt(0).toUpperCase() + part.slice(1))
		.join(' ');
}
