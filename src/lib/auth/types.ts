export type ProviderId = 'github' | 'google';

export const PROVIDER_NAMES: Record<ProviderId, string> = { github: 'GitHub', google: 'Google' };

/** True when `value` (e.g. a form field) names one of our providers. */
export function isProviderId(value: unknown): value is ProviderId {
	return typeof value === 'string' && Object.hasOwn(PROVIDER_NAMES, value);
}

/** Set on a session whose provider refused to refresh its tokens: the user must sign in again. */
export type SessionError = 'RefreshTokenError';

/** What the browser may know about the signed-in user: never a provider token. */
export interface SessionUser {
	id: string;
	name: string | null;
	email: string | null;
	image: string | null;
}

/** What `/api/get-session-status` answers (with the same HTTP status): never a token. */
export type SessionStatusBody =
	{ status: 200; userId: string; expires: string } | { status: 401; error?: SessionError };

/** The session as the root layout sends it (`page.data.session`). */
export interface PageSession {
	user: SessionUser;
	expires: string;
	error?: SessionError;
}

export type SessionState = 'signed-in' | 'signed-out';

/** The last status check got no answer: the session is as it was, and the next check asks again. */
export type StatusUnavailable = 'StatusUnavailable';
