import { isRedirect, redirect } from '@sveltejs/kit';
import { signInErrorMessage } from '$lib/auth/signin-errors';
import { PATHS, REAUTH_PARAM, linkErrorPath } from '$lib/paths';
import { safeRedirect } from '$lib/redirect';
import { tokenServices } from '$lib/server/config/services';
import { clearSessionCookies } from '$lib/server/session/cookies';
import { readForm } from '$lib/server/http/form';
import { signIn } from '../../auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	const redirectTo = safeRedirect(url.searchParams.get('redirectedFrom'), url.origin);
	const error = url.searchParams.get('error');
	const session = await locals.auth();
	const reauth = url.searchParams.has(REAUTH_PARAM);
	if (session !== null && session.error === undefined && !reauth) {
		// Signed in, a failed sign-in was an attempt to connect another provider from /profile.
		redirect(303, error ? linkErrorPath(error) : redirectTo);
	}
	return {
		providers: tokenServices().providers.map(({ id, name }) => ({ id, name })),
		redirectTo,
		error: signInErrorMessage(error)
	};
};

export const actions: Actions = {
	// Answers with a redirect to the provider. `redirectTo` is made safe by the redirect callback.
	default: async (event) => {
		// signIn() reads the body as a form too: refuse one that is not (400) before anything else.
		await readForm(event.request.clone());
		// A session whose tokens can no longer be refreshed is ended first: otherwise Auth.js
		// would link the new sign-in to that user, whose dead account keeps the session flagged.
		if ((await event.locals.auth())?.error !== undefined) clearSessionCookies(event.cookies);
		try {
			await signIn(event);
		} catch (error) {
			if (isRedirect(error)) throw error;
			// Note: Auth.js has logged the cause (typically an unreachable provider). When it is not
			// an AuthError, @auth/sveltekit's signIn then fails on the missing redirect instead.
			console.error(
				`[auth] sign-in could not start: ${error instanceof Error ? error.message : error}`
			);
			redirect(303, `${PATHS.signIn}?error=Configuration`);
		}
	}
};
