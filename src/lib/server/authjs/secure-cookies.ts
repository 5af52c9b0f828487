import type { Handle } from '@sveltejs/kit';

/**
 * SvelteKit marks cookies Secure unless told otherwise (except on http://localhost), and
 * @auth/sveltekit's `auth()` passes no `secure` flag: on plain http its refreshed session cookie
 * would be dropped by the browser. Secure exactly when the site is served over https.
 */
export const secureCookiesOnHttps: Handle = ({ event, resolve }) => {
	const { cookies } = event;
	const secure = event.url.protocol === 'https:';
	event.cookies = {
		...cookies,
		set: (name, value, options) => cookies.set(name, value, { secure, ...options })
	};
	return resolve(event);
};
