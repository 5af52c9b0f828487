import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { redirect } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { env } from '$env/dynamic/private';
import { signInPath } from '$lib/paths';
import { guardAuthRoutes } from '$lib/server/auth/auth-routes';
import { memoizeSession } from '$lib/server/auth/session-reader';
import { limitSignIns } from '$lib/server/auth/sign-in-limit';
import { tokenServices } from '$lib/server/auth/tokens';
import { startServer } from '$lib/server/config';
import { closeDatabase } from '$lib/server/db';
import { isDatabaseUnavailable } from '$lib/server/db/errors';
import { securityHeaders } from '$lib/server/security-headers';
import { handle as authHandle } from './auth';

export const init: ServerInit = async () => {
	await startServer(env);
	// adapter-node's graceful shutdown waits for open sockets, such as the database pool's.
	// Refreshes under way (some in the background) first store their tokens and release their
	// leases: a killed one would leave a lease that only runs out.
	process.once(
		'sveltekit:shutdown',
		() => void tokenServices().rotator.drain().then(closeDatabase)
	);
};

/**
 * SvelteKit marks cookies Secure unless told otherwise (except on http://localhost), and
 * @auth/sveltekit's `auth()` passes no `secure` flag: on plain http its refreshed session cookie
 * would be dropped by the browser. Secure exactly when the site is served over https.
 */
const secureCookiesOnHttps: Handle = ({ event, resolve }) => {
	const { cookies } = event;
	const secure = event.url.protocol === 'https:';
	event.cookies = {
		...cookies,
		set: (name, value, options) => cookies.set(name, value, { secure, ...options })
	};
	return resolve(event);
};

/**
 * Every route in `(protected)` needs a usable session (pages, data requests and form actions
 * alike): none, or one whose provider tokens can no longer be refreshed, goes to sign-in.
 */
const protectRoutes: Handle = async ({ event, resolve }) => {
	if (event.route.id?.startsWith('/(protected)')) {
		const session = await event.locals.auth();
		if (session === null || session.error !== undefined) redirect(303, signInPath(event.url));
	}
	return resolve(event);
};

/** A request that failed because the database is down gets 503, not 500: it is worth a retry. */
const reportOutages: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (!event.locals.databaseUnavailable) return response;
	const headers = new Headers(response.headers);
	headers.set('retry-after', '5');
	return new Response(response.body, { status: 503, headers });
};

export const handle = sequence(
	securityHeaders,
	limitSignIns,
	reportOutages,
	secureCookiesOnHttps,
	guardAuthRoutes,
	authHandle,
	memoizeSession,
	protectRoutes
);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (isDatabaseUnavailable(error)) {
		event.locals.databaseUnavailable = true;
		console.error(`[db] unavailable during ${event.request.method} ${event.url.pathname}`);
		return { message: 'The service is briefly unavailable. Please try again in a moment.' };
	}
	if (status === 404) return { message };
	if (status < 500) {
		// The client's mistake that SvelteKit caught (415, 413): one line, no stack trace.
		console.warn(`[http] ${status} ${event.request.method} ${event.url.pathname}: ${message}`);
		return { message };
	}
	console.error(error);
	return { message: 'Something went wrong on our side.' };
};
