import type { JWT } from '@auth/core/jwt';

/*
 * The session's limits that count from the last sign-in at the provider in this browser (the
 * `authAt` claim), not from the last visit:
 * - the absolute end: after `absoluteMaxAgeSeconds` the session is over however active it was,
 *   so a copied cookie that keeps being used still dies;
 * - freshness: for `freshAgeSeconds` the session may take sensitive actions; after that the user
 *   signs in at the provider again first (better-auth's `freshAge`, GitHub's sudo mode).
 *
 * Note: the time is a claim of the (encrypted, authenticated) cookie rather than a column of
 * `user_sessions`, so that the fast path reads it without the database, and so that signing in
 * again renews the browser that did it, and not a stolen copy of its cookie under the same `sid`.
 */

/** When the session ends whatever its activity (epoch seconds); null without `authAt`. */
export function absoluteEndOf(claims: JWT, absoluteMaxAgeSeconds: number): number | null {
	return typeof claims.authAt === 'number' ? claims.authAt + absoluteMaxAgeSeconds : null;
}

/**
 * True once the session has reached its absolute end. The one test of it, for the fast path
 * and the jwt callback alike (through `isSessionCurrent`). A session without `authAt` (a cookie
 * from before the claim existed) has not: the callback takes it from its row (`checkUserSession`).
 */
export function hasSessionEnded(
	claims: JWT,
	absoluteMaxAgeSeconds: number,
	now = Date.now()
): boolean {
	const end = absoluteEndOf(claims, absoluteMaxAgeSeconds);
	return end !== null && now / 1000 >= end;
}

/** True while the session signed in at the provider within `freshAgeSeconds`. */
export function isSessionFresh(
	authAt: number | undefined,
	freshAgeSeconds: number,
	now = Date.now()
): boolean {
	return authAt !== undefined && now / 1000 - authAt < freshAgeSeconds;
}
