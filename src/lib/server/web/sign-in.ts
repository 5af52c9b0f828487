import type { Session } from '@auth/core/types';
import { isRedirect, redirect, type Action, type RequestEvent } from '@sveltejs/kit';
import { signInErrorMessage } from '$lib/auth/signin-errors';
import type { ProviderLabel } from '$lib/auth/types';
import { PATHS, REAUTH_PARAM, linkErrorPath, signInPath } from '$lib/paths';
import { safeRedirect } from '$lib/redirect';
import { readForm } from '../http/form';
import { offeredProviders } from '../providers/labels';
import type { ProviderSettings } from '../providers/settings';
import { isSessionFresh } from '../session/lifetime';
import { clearSessionCookies } from '../authjs';

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
			/** A signed-in user confirming it is them (`?reauth`): only their providers are offered. */
			reauth: boolean;
	  };

/**
 * What /signin shows at `url`, or, for a visitor already signed in (and not renewing their
 * sign-in with `?reauth`), where they go instead.
 */
export function readSignInPage(
	providers: ProviderSettings[],
	url: URL,
	session: Session | null
): SignInPage {
	const redirectTo = safeRedirect(url.searchParams.get('redirectedFrom'), url.origin);
	const error = url.searchParams.get('error');
	if (session !== null && session.error === undefined && !url.searchParams.has(REAUTH_PARAM)) {
		// Signed in, a failed sign-in was an attempt to connect another provider from /profile.
		return { signedIn: true, location: error ? linkErrorPath(error) : redirectTo };
	}
	// Signing in again with a provider not linked yet would link it: that is not a confirmation.
	const reauth = session !== null && session.error === undefined;
	const offered = offeredProviders(providers);
	const shown = reauth ? offered.filter(({ id }) => session.providers.includes(id)) : offered;
	return {
		signedIn: false,
		providers: shown.length > 0 ? shown : offered,
		redirectTo,
		error: signInErrorMessage(error),
		reauth
	};
}

/**
 * Starts a sign-in with Auth.js's `signIn` action: it answers with a redirect to the provider
 * (`redirectTo` is made safe by the redirect callback). When the sign-in cannot start (typically
 * an unreachable provider), it redirects to /signin with the `Configuration` error instead.
 */
export async function startSignIn(event: RequestEvent, signIn: Action): Promise<void> {
	// signIn() reads the body as a form too: refuse one that is not (400) before anything else.
	const form = await readForm(event.request.clone());
	const session = await event.locals.auth();
	// A session whose tokens can no longer be refreshed is ended first: otherwise Auth.js
	// would link the new sign-in to that user, whose dead account keeps the session flagged.
	if (session?.error !== undefined) clearSessionCookies(event.cookies, event.url);
	else if (
		session !== null &&
		isStaleLink(session, form.get('providerId'), event.locals.app.session.freshAgeSeconds)
	) {
		// Connecting a provider needs a fresh session: sign in again first, then come back.
		const back = new URL(safeRedirect(form.get('redirectTo'), event.url.origin), event.url);
		redirect(303, signInPath(back, { reauth: true }));
	}
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

/** True when `providerId` would link a new provider to a session that is not fresh. */
function isStaleLink(
	session: Session,
	providerId: FormDataEntryValue | null,
	freshAgeSeconds: number
): boolean {
	if (typeof providerId !== 'string' || session.providers.some((id) => id === providerId)) {
		return false;
	}
	return !isSessionFresh(session.authenticatedAt, freshAgeSeconds);
}
