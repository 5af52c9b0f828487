import type { Session } from '@auth/core/types';
import type { JWT } from '@auth/core/jwt';
import type { RequestEvent } from '@sveltejs/kit';

/**
 * The session the app and the browser see, built field by field from the JWT claims.
 * It holds who the user is and which providers are linked: never a provider token.
 */
export function toSession(token: JWT, expires: string): Session {
	return {
		user: {
			id: token.sub ?? '',
			name: token.name ?? null,
			email: token.email ?? null,
			image: token.picture ?? null
		},
		providers: (token.accounts ?? []).map((account) => account.provider),
		...(token.error !== undefined && { error: token.error }),
		...(token.sid !== undefined && { sessionId: token.sid }),
		...(token.authAt !== undefined && { authenticatedAt: token.authAt }),
		expires
	};
}

/**
 * Re-issues the session cookie after the user's data changed, through Auth.js's session update
 * (the jwt callback re-reads the user from the database), and makes this request see it too.
 */
export async function reissueSessionCookie(event: RequestEvent): Promise<void> {
	const response = await event.fetch('/auth/session', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: '{}'
	});
	if (!response.ok) return;
	const session = await response.json();
	event.locals.auth = async () => session;
}
