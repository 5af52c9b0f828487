// @ts-check
import { Browser } from './browser.js';

/**
 * Signs `login` in to the app at `appUrl` with `provider`, through the local IdP's real pages
 * (Auth.js's sign-in POST, the IdP's login and consent, the callback), and returns the Cookie
 * header that carries the session. With `cookie`, the browser starts out holding that Cookie
 * header (e.g. an earlier session's), as a browser that signs in again would.
 * @param {string} appUrl
 * @param {import('./clients.js').ProviderName} provider
 * @param {string} login
 * @param {{ cookie?: string }} [options]
 * @returns {Promise<string>}
 */
export async function signInToApp(appUrl, provider, login, { cookie = '' } = {}) {
	const browser = new Browser(appUrl);
	for (const pair of cookie.split(/;\s*/).filter(Boolean)) {
		browser.cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
	}
	// Note: @auth/sveltekit leaves CSRF to SvelteKit's Origin check, so no csrfToken is posted.
	const start = await browser.request(`${appUrl}/auth/signin/${provider}`, { callbackUrl: appUrl });
	const location = start.headers.get('location');
	if (location === null) throw new Error(`Sign-in did not start: ${start.status}`);
	const { callback } = await browser.signIn(new URL(location), login);
	const landed = await browser.request(callback);
	const session = [...browser.cookies].filter(([name]) => name.includes('session-token'));
	if (landed.status !== 302 || session.length === 0) {
		throw new Error(`The callback answered ${landed.status} without a session cookie`);
	}
	return session.map(([name, value]) => `${name}=${value}`).join('; ');
}
