/** Every route path the code refers to, in one place. */
export const PATHS = {
	home: '/',
	signIn: '/signin',
	signOut: '/signout',
	profile: '/profile',
	connections: '/connections',
	accountSessions: '/account/sessions',
	sessionStatus: '/api/get-session-status',
	extendSession: '/api/extend-session',
	health: '/api/health'
} as const;

/** Pages anyone may open. The client guard lets navigations to these through unchecked. */
const PUBLIC_PATHS: readonly string[] = [PATHS.home, PATHS.signIn];

export function isPublicPath(pathname: string): boolean {
	return PUBLIC_PATHS.includes(pathname);
}

/** The query flag that shows /signin to a signed-in user who chose to sign in again. */
export const REAUTH_PARAM = 'reauth';

/**
 * `/signin?redirectedFrom=<path+query>` for a page the user could not open yet, or, with
 * `reauth`, for a signed-in user renewing their sign-in before it ends.
 */
export function signInPath(from: URL, { reauth = false } = {}): string {
	const params = new URLSearchParams({ redirectedFrom: from.pathname + from.search });
	if (reauth) params.set(REAUTH_PARAM, '1');
	return `${PATHS.signIn}?${params}`;
}

/** `/profile?linkError=<Auth.js error code>`: connecting a provider failed, and the page says why. */
export function linkErrorPath(code: string): string {
	return `${PATHS.profile}?${new URLSearchParams({ linkError: code })}`;
}
