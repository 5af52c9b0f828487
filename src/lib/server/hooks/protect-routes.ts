import { redirect, type Handle } from '@sveltejs/kit';
import { signInPath } from '$lib/paths';

/**
 * Every route in `(protected)` needs a usable session (pages, data requests and form actions
 * alike): none, or one whose provider tokens can no longer be refreshed, goes to sign-in.
 */
export const protectRoutes: Handle = async ({ event, resolve }) => {
	if (event.route.id?.startsWith('/(protected)')) {
		const session = await event.locals.auth();
		if (session === null || session.error !== undefined) redirect(303, signInPath(event.url));
	}
	return resolve(event);
};
