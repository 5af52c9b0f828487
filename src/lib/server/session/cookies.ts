import type { Session } from '@auth/core/types';
import type { JWT } from '@auth/core/jwt';
import type { Cookies, RequestEvent } from '@sveltejs/kit';

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

// Auth.js's session cookie, with its https prefix and its chunks (`.0`, `.1`, …) when large.
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

/** The session cookie's name as Auth.js chooses it: `__Secure-` prefixed on https. */
export function sessionCookieName(url: URL): string {
	return `${url.protocol === 'https:' ? '__Secure-' : ''}authjs.session-token`;
}

/** True when the request carries the session split into chunks (it outgrew one cookie). */
export function hasSessionChunks(cookies: Cookies, name: string): boolean {
	return cookies.getAll().some((cookie) => cookie.name.startsWith(`${name}.`));
}

/** Ends the session in this browser by deleting the Auth.js session cookie and its chunks. */
export function clearSessionCookies(cookies: Cookies): void {
	for (const { name } of cookies.getAll()) {
		if (SESSION_COOKIE.test(name)) cookies.delete(name, { path: '/' });
	}
}

/** `request` as it would be without the session cookie and its chunks (same method and body). */
export function withoutSessionCookies(request: Request): Request {
	const kept = (request.headers.get('cookie') ?? '')
		.split(';')
		.map((pair) => pair.trim())
		.filter((pair) => pair !== '' && !SESSION_COOKIE.test(pair.slice(0, pair.indexOf('='))));
	const headers = new Headers(request.headers);
	if (kept.length === 0) headers.delete('cookie');
	else headers.set('cookie', kept.join('; '));
	return new Request(request, { headers });
}
