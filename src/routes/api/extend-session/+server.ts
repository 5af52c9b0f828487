import { assertUser } from '$lib/server/web/require-user';
import { reissueSessionCookie } from '$lib/server/authjs';
import { sessionStatusResponse } from '$lib/server/web/session-status';
import type { RequestHandler } from './$types';

// Re-issues the session cookie with a new expiry ("Stay signed in"), and answers like the status.
export const POST: RequestHandler = async (event) => {
	await assertUser(event);
	await reissueSessionCookie(event);
	return sessionStatusResponse(await event.locals.auth());
};
