import type { Session } from '@auth/core/types';
import type { Handle } from '@sveltejs/kit';
import { readSession } from './reader';

/**
 * The handle after Auth.js's: one session read per request, however many loads call
 * `locals.auth()` (or `locals.getSession()`), usually from the cookie alone (`readSession`).
 */
export const memoizeSession: Handle = ({ event, resolve }) => {
	const authjs = event.locals.auth;
	let session: Promise<Session | null> | undefined;
	event.locals.auth = () => (session ??= readSession(event.locals.app, event, authjs));
	// Auth.js's older name for `auth` would otherwise still decode the cookie on every call.
	event.locals.getSession = event.locals.auth;
	return resolve(event);
};
