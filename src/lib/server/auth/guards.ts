import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { SessionUser } from '$lib/auth/types';
import { signInPath } from '$lib/paths';

/** For loads: the signed-in user, or a redirect to sign-in that comes back here. */
export async function requireUser(event: RequestEvent): Promise<SessionUser> {
	const session = await event.locals.auth();
	if (!session?.user.id) redirect(303, signInPath(event.url));
	return session.user;
}

/** For actions and endpoints: the signed-in user, or 401. */
export async function assertUser(event: RequestEvent): Promise<SessionUser> {
	const session = await event.locals.auth();
	if (!session?.user.id) error(401, 'Please sign in.');
	return session.user;
}
