import type { Handle } from '@sveltejs/kit';
import { withoutSessionCookies } from './session-cookie';
import { carriesUnknownSessionKey, readLiveCookieClaims } from './reader';

// Auth.js pages the app does not use: its sign-out confirmation (the app signs out with a POST
// to /signout or /auth/signout) and the e-mail provider's "check your inbox" page.
const UNUSED_PAGES = ['/auth/signout', '/auth/verify-request'];

/**
 * Runs before Auth.js's handle, on the routes it serves under /auth:
 * - its built-in pages that the app does not use answer 404 (they would be served without the
 *   app's CSP);
 * - a provider callback links the new account to the user of the request's session cookie, and
 *   Auth.js accepts any cookie that decrypts. Here the session (every cookie Auth.js would read
 *   as one, renamed copies included) counts only when its `sid` is live in `user_sessions` right
 *   now (not once a minute): otherwise all of those cookies are dropped from the request, so the
 *   callback is a plain sign-in for whoever signed in at the provider, and never links to that
 *   cookie's user;
 * - elsewhere (its session endpoint), a cookie sealed under a secret this instance lacks is
 *   dropped from the request too, so Auth.js answers as signed out and does not clear it: the
 *   instances that have that secret still read it. Signing out still clears it.
 */
export const sanitizeAuthRequests: Handle = async ({ event, resolve }) => {
	const { cookies, url } = event;
	if (event.request.method === 'GET' && UNUSED_PAGES.includes(url.pathname)) {
		return new Response('Not found', { status: 404 });
	}
	if (url.pathname.startsWith('/auth/callback/')) {
		if ((await readLiveCookieClaims(event.locals.app, cookies, url)) === null) {
			event.request = withoutSessionCookies(event.request, url);
		}
	} else if (
		url.pathname.startsWith('/auth/') &&
		url.pathname !== '/auth/signout' &&
		(await carriesUnknownSessionKey(event.locals.app.session, cookies, url))
	) {
		event.request = withoutSessionCookies(event.request, url);
	}
	return resolve(event);
};
