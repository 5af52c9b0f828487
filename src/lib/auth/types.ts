export type ProviderId = 'github' | 'google';

export const PROVIDER_NAMES: Record<ProviderId, string> = { github: 'GitHub', google: 'Google' };

/** Set on a session whose provider refused to refresh its tokens: the user must sign in again. */
export type SessionError = 'RefreshTokenError';

/** What the browser may know about the signed-in user: never a provider token. */
export interface SessionUser {
	id: string;
	name: string | null;
	email: string | null;
	image: string | null;
}

export function isProviderId(value: unknown): value is ProviderId {
	return typeof value === 'string' && Object.hasOwn(PROVIDER_NAMES, value);
}
