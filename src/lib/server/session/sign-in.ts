import type { Session } from '@auth/core/types';
import { isRedirect, redirect, type Action, type RequestEvent } from '@sveltejs/kit';
import { signInErrorMessage } from '$lib/auth/signin-errors';
import type { ProviderLabel } from '$lib/auth/types';
import { PATHS, REAUTH_PARAM, linkErrorPath } from '$lib/paths';
import { safeRedirect } from '$lib/redirect';
import { readForm } from '../http/form';
import { offeredProviders } from '../providers/labels';
import { clearSessionCookies } from './session-cookie';

export type SignInPage =
	/** Signed in already: go on to `location` instead. */
	| { signedIn: true; location: string }
	| {
			signedIn: false;
			providers: ProviderLabel[];
			/** Where to go after signing in (`?redirectedFrom=`, made safe). */
			redirectTo: string;
			/** Why the last sign-in failed (`?error=`, an Auth.js code), for the user. */
			error: string | null;
	  };

/**
 * What /signin shows at `url`, or, for a visitor already signed in (and not renewing their
 * sign-in with `?reauth`), where they go instead.
 */
export function readSignInPage(url: URL, session: Session | null): SignInPage {
	const redirectTo = safeRedirect(url.searchParams.get('redirectedFrom'), url.origin);
	const error = url.searchParams.get('error');
	if (session !== null && session.error === undefined && !url.searchParams.has(REAUTH_PARAM)) {
		// Signed in, a failed sign-in was an attempt to connect another provider from /profile.
		return { signedIn: true, location: error ? linkErrorPath(error) : redirectTo };
	}
	return {
		signedIn: false,
		providers: offeredProviders(),
		redirectTo,
		error: signInErrorMessage(error)
	};
}

/**
 * Starts a sign-in with Auth.js's `signIn` action: it answers with a redirect to the provider
 * (`redirectTo` is made safe by the redirect callback). When the sign-in cannot start (typically
 * an unreachable provider), it redirects to /signin with the `Configuration` error instead.
 */
export async function startSignIn(event: RequestEvent, signIn: Action): Promise<void> {
	// signIn() reads the body as a form too: refuse one that is not (400) before anything else.
	await readForm(event.request.clone());
	// A session whose tokens can no longer be refreshed is ended first: otherwise Auth.js
	// would link the new sign-in to that user, whose dead account keeps the session flagged.
	if ((await event.locals.auth())?.error !== undefined)
		clearSessionCookies(event.cookies, event.url);
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
