import { assertUser } from '$lib/server/auth/guards';
import { refreshSession } from '$lib/server/auth/session';
import { sessionStatusResponse } from '$lib/server/auth/session-status';
import type { RequestHandler } from './$types';

// Re-issues the session cookie with a new expiry ("Stay signed in"), and answers like the status.
export const POST: RequestHandler = async (event) => {
	await assertUser(event);
	await refreshSession(event);
	return sessionStatusResponse(await event.locals.auth());
};
