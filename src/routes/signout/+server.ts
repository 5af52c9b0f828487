import { redirect } from '@sveltejs/kit';
import { PATHS } from '$lib/paths';
import { endUserSession } from '$lib/server/session/revocation';
import { readForm } from '$lib/server/http/form';
import { requestClient } from '$lib/server/http/request-client';
import { signOut } from '../../auth';
import type { RequestHandler } from './$types';

// A form POST, so SvelteKit's origin check guards it against cross-site requests.
// Note: Auth.js's signOut event would end the session too, but it logs and swallows a database
// error; ending it here first makes an outage a 503 instead of a session left live.
export const POST: RequestHandler = async (event) => {
	// signOut() reads the body as a form too: refuse one that is not (400) before anything ends.
	await readForm(event.request.clone());
	const session = await event.locals.auth();
	if (session?.sessionId !== undefined) {
		await endUserSession(
			event.locals.app,
			session.user.id,
			session.sessionId,
			requestClient(event)
		);
	}
	await signOut(event);
	// Note: not reached: signOut clears the session cookies and throws its redirect to `redirectTo`.
	redirect(303, PATHS.signIn);
};
