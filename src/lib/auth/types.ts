/** Auth.js's provider ids: GitHub, Google, and any OpenID Connect issuer (`AUTH_OIDC_*`). */
const PROVIDER_IDS = ['github', 'google', 'oidc'] as const;

export type ProviderId = (typeof PROVIDER_IDS)[number];

/**
 * A provider as pages show it. Note: the name comes from the server (`AUTH_OIDC_NAME` names the
 * OIDC issuer, e.g. "Okta"), so the browser never derives it from the id.
 */
export interface ProviderLabel {
	id: ProviderId;
	name: string;
}

/** True when `value` (e.g. a form field) names one of our providers. */
export function isProviderId(value: unknown): value is ProviderId {
	return typeof value === 'string' && (PROVIDER_IDS as readonly string[]).includes(value);
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
