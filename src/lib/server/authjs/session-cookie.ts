import type { Cookies } from '@sveltejs/kit';

/**
 * What counts as "the session cookie", decided exactly as Auth.js decides it, in this one place.
 *
 * Auth.js (`SessionStore` in @auth/core `lib/utils/cookie.js`) reads every non-empty cookie whose
 * name *starts with* the session cookie's name as a chunk of the session, and joins them in the
 * order of the number after the name's last dot. So `authjs.session-tokenX` is as much a session
 * cookie as `authjs.session-token` or its chunk `authjs.session-token.1`: anything that strips,
 * clears or checks the session must use this rule, or a renamed cookie slips past it.
 */

interface NamedCookie {
	name: string;
	value: string;
}

/** The session cookie's name as Auth.js chooses it: `__Secure-` prefixed on https. */
export function sessionCookieName(url: URL): string {
	return `${url.protocol === 'https:' ? '__Secure-' : ''}authjs.session-token`;
}

/** True when Auth.js reads a cookie named `name` as (a chunk of) the session at `url`. */
export function isSessionCookie(name: string, url: URL): boolean {
	return name.startsWith(sessionCookieName(url));
}

/** The session as Auth.js reads it from `cookies`: the joined token and how many cookies held it. */
export interface SessionCookie {
	token: string;
	/** 1 for a plain session cookie; more when chunked, or when a renamed copy rides along. */
	parts: number;
}

/** The session token Auth.js would read from `cookies` at `url`, or null when it finds none. */
export function readSessionCookie(cookies: NamedCookie[], url: URL): SessionCookie | null {
	const parts = cookies.filter(({ name, value }) => value !== '' && isSessionCookie(name, url));
	if (parts.length === 0) return null;
	// Note: Auth.js's own order, NaN (no numeric suffix) included, so both join the same token.
	const suffix = (name: string) => parseInt(name.split('.').pop() || '0');
	parts.sort((a, b) => suffix(a.name) - suffix(b.name));
	return { token: parts.map(({ value }) => value).join(''), parts: parts.length };
}

/** Ends the session in this browser: deletes every cookie Auth.js would read as the session. */
export function clearSessionCookies(cookies: Cookies, url: URL): void {
	for (const { name } of cookies.getAll()) {
		if (isSessionCookie(name, url)) cookies.delete(name, { path: '/' });
	}
}

/** `request` as it would be without any cookie Auth.js reads as the session at `url`. */
export function withoutSessionCookies(request: Request, url: URL): Request {
	const kept = (request.headers.get('cookie') ?? '')
		.split(';')
		.map((pair) => pair.trim())
		.filter((pair) => pair !== '' && !isSessionCookie(cookieNameOf(pair), url));
	const headers = new Headers(request.headers);
	if (kept.length === 0) headers.delete('cookie');
	else headers.set('cookie', kept.join('; '));
	return new Request(request, { headers });
}

// The name of a `name=value` pair, trimmed as the `cookie` parser (Auth.js's and SvelteKit's) does.
function cookieNameOf(pair: string): string {
	const equals = pair.indexOf('=');
	return (equals === -1 ? pair : pair.slice(0, equals)).trim();
}
