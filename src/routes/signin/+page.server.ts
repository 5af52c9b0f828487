import { redirect } from '@sveltejs/kit';
import { readSignInPage, startSignIn } from '$lib/server/web/sign-in';
import { signIn } from '../../auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	const page = readSignInPage(locals.app.providers, url, await locals.auth());
	if (page.signedIn) redirect(303, page.location);
	const { providers, redirectTo, error, reauth } = page;
	return { providers, redirectTo, error, reauth };
};

export const actions: Actions = {
	// Answers with a redirect to the provider, or back here with an error.
	default: (event) => startSignIn(event, signIn)
};
