export type ProviderId = 'github' | 'google';

export const PROVIDER_NAMES: Record<ProviderId, string> = { github: 'GitHub', google: 'Google' };

/** What the browser may know about the signed-in user: never a provider token. */
export interface SessionUser {
	id: string;
	name: string | null;
	email: string | null;
	image: string | null;
}
