import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { SessionUser } from '$lib/auth/types';
import { signInPath } from '$lib/paths';
import { readForm } from '../http/form';
import { requestClient, type RequestClient } from '../http/request-client';
import { isSessionFresh } from '../session/lifetime';
import { touchUserSession } from '../session/user-sessions';

/** For loads: the signed-in user, or a redirect to sign-in that comes back here. */
export async function requireUser(event: RequestEvent): Promise<SessionUser> {
	const session = await event.locals.auth();
	if (!session?.user.id) redirect(303, signInPath(event.url));
	return session.user;
}

/**
 * For actions and endpoints: the user of a session that is live in `user_sessions` now, or 401.
 * Reading a page may rely on the once-a-minute check; changing anything may not, so that a
 * copied cookie has no power left the moment its session is revoked.
 */
export async function assertUser(event: RequestEvent): Promise<SessionUser> {
	return (await assertLiveSession(event, requestClient(event))).user;
}

/**
 * What a form action starts with: the user and the id of a live session (see `assertUser`),
 * then the posted form (see `readForm`), and the client for the audit log.
 */
export async function readActionInput(event: RequestEvent) {
	const client = requestClient(event);
	const { user, sessionId } = await assertLiveSession(event, client);
	return { user, sessionId, form: await readForm(event.request), client };
}

/**
 * `readActionInput` for a sensitive action (sign out other sessions, unlink a provider, delete
 * the account): a session that signed in at the provider longer than the fresh age ago is sent
 * to sign in there again first, and then back to this page. A copied cookie that is still live
 * is then not enough to evict its owner or take the account apart.
 */
export async function readSensitiveActionInput(event: RequestEvent) {
	const input = await readActionInput(event);
	const { authenticatedAt } = (await event.locals.auth())!;
	if (!isSessionFresh(authenticatedAt, event.locals.app.session.freshAgeSeconds)) {
		// The page itself, without the action's `?/name`.
		redirect(303, signInPath(new URL(event.url.pathname, event.url), { reauth: true }));
	}
	return input;
}

async function assertLiveSession(event: RequestEvent, client: RequestClient) {
	const session = await event.locals.auth();
	if (!session?.user.id) error(401, 'Please sign in.');
	const { sessionId, user } = session;
	if (
		sessionId === undefined ||
		!(await touchUserSession(event.locals.app, sessionId, user.id, client))
	) {
		error(401, 'This session has ended. Please sign in again.');
	}
	return { user, sessionId };
}
