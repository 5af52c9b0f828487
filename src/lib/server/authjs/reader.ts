import type { JWT } from '@auth/core/jwt';
import type { Session } from '@auth/core/types';
import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { toSession } from './cookies';
import { readSessionCookie, sessionCookieName } from './session-cookie';
import type { TokenRotator } from '../tokens/rotation/token-rotator';
import { requestClient } from '../http/request-client';
import { isSessionCurrent } from '../session/claims';
import { renewInBackground } from '../tokens/renew-due-accounts';
import type { SessionPolicy } from './codec';
import { touchUserSession, type FoundLive, type SessionStore } from '../session/user-sessions';

export type ReadSession = () => Promise<Session | null>;

/**
 * Runs `read` for a request whose session cookie is `key`, or joins the read already under way
 * for that same cookie (see `createSharedSessionReads`).
 */
export type SharedSessionReads = (key: string, read: ReadSession) => Promise<Session | null>;

/**
 * `locals.auth()` for the common case, without a round trip through Auth.js: when the session
 * cookie decodes (a memoized decode, no decryption after the first request), was checked against
 * `user_sessions` within the interval, is younger than the renewal age and has no provider token
 * to wait for (one due but still valid is refreshed in the background, started here as the
 * callback would start it), the jwt callback would change nothing, so the session is built from
 * the claims and no cookie is re-issued. Everything else (no valid cookie, an expired token, a
 * refresh's outcome to take up, a renewal due, a session held by more than one cookie) goes to
 * Auth.js's own session flow, which runs the callbacks, re-issues or clears the cookie and logs
 * what failed: `authjs`, once for all the requests that carry the same cookie at the same time.
 */
export async function readSession(
	services: {
		session: SessionPolicy;
		rotator: TokenRotator;
		foundLive: FoundLive;
		sessionReads: SharedSessionReads;
	},
	event: RequestEvent,
	authjs: ReadSession
): Promise<Session | null> {
	const { session: policy } = services;
	const cookie = readSessionCookie(event.cookies.getAll(), event.url);
	if (cookie === null) return null;
	const { token } = cookie;
	const viaAuthjs = () => services.sessionReads(`${event.url.origin} ${token}`, authjs);
	// Chunks, or a renamed copy beside the cookie: Auth.js reads them joined and re-issues one.
	if (cookie.parts > 1) return viaAuthjs();
	const name = sessionCookieName(event.url);

	const params = { token, salt: name, secret: policy.secrets };
	const claims = await policy.codec.decode(params).catch(() => null);
	// Auth.js would clear a cookie it cannot open; one another instance sealed under a secret
	// this one lacks stays, for the instances that can read it.
	if (claims === null && (await policy.codec.namesUnknownKey(params))) {
		reportUnknownKey();
		return null;
	}
	if (claims === null || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') {
		return viaAuthjs();
	}
	// Note: renewing the cookie is Auth.js's part of the flow, not the callback's.
	const renewalDue = Date.now() / 1000 - claims.iat >= policy.updateAgeSeconds;
	if (renewalDue || !isSessionCurrent(claims, services)) return viaAuthjs();
	// While secrets change, Auth.js re-issues a cookie sealed under an older secret than the one
	// that encrypts (not one under a newer secret, sealed by an instance a step ahead).
	if (policy.secrets.length > 1) {
		const current = [policy.secrets[0]!, ...policy.acceptedOnlySecrets];
		if (!(await policy.codec.isSealedByOneOf({ ...params, secret: current }))) return viaAuthjs();
	}
	// A token due but still valid: its refresh starts here, as the callback would start it.
	renewInBackground(claims, services.rotator, () => requestClient(event));
	// The cookie the browser holds, and so the session, ends at the token's own expiry.
	return toSession(claims, new Date(claims.exp * 1000).toISOString());
}

/**
 * Auth.js's session reads under way in this process, by origin and session cookie. Requests that
 * arrive together carrying the same cookie (a page's parallel requests just after its token
 * expired, a storm of them) make one pass through Auth.js: one session check, one wait for the
 * refresh, one cookie sealed. The first of them re-issues the cookie; the others answer with a
 * copy of its session and no Set-Cookie, so the browser keeps the one the first sends (or sends
 * the old cookie again, which then takes a pass of its own). Nothing is kept once the read ends.
 */
export function createSharedSessionReads(): SharedSessionReads {
	const underWay = new Map<string, Promise<Session | null>>();
	return (key, read) => {
		const shared = underWay.get(key);
		if (shared !== undefined) return shared.then((session) => structuredClone(session));
		const reading = read();
		underWay.set(key, reading);
		const forget = () => underWay.delete(key);
		reading.then(forget, forget);
		return reading;
	};
}

/**
 * The claims of the session that Auth.js would read from `cookies` (every cookie under its
 * rule, joined), or null when there is none or it does not decode.
 */
export async function readCookieClaims(
	policy: SessionPolicy,
	cookies: Cookies,
	url: URL
): Promise<JWT | null> {
	const cookie = readSessionCookie(cookies.getAll(), url);
	if (cookie === null) return null;
	const params = { token: cookie.token, salt: sessionCookieName(url), secret: policy.secrets };
	return policy.codec.decode(params).catch(() => null);
}

/**
 * `readCookieClaims`, only while their session is live in `user_sessions` right now (checked,
 * not remembered: one indexed update). Null for a revoked, unknown or planted session.
 */
export async function readLiveCookieClaims(
	services: SessionStore & { session: SessionPolicy },
	cookies: Cookies,
	url: URL
): Promise<JWT | null> {
	const claims = await readCookieClaims(services.session, cookies, url);
	if (claims === null || !claims.sub || !claims.sid) return null;
	return (await touchUserSession(services, claims.sid, claims.sub)) ? claims : null;
}

/**
 * True when the request's session cookie names a key that no secret of this instance derives
 * (see `SessionCodec.namesUnknownKey`): Auth.js must not see it, or it would clear it.
 */
export async function carriesUnknownSessionKey(
	policy: SessionPolicy,
	cookies: Cookies,
	url: URL
): Promise<boolean> {
	const cookie = readSessionCookie(cookies.getAll(), url);
	if (cookie === null) return false;
	const params = { token: cookie.token, salt: sessionCookieName(url), secret: policy.secrets };
	if ((await policy.codec.decode(params).catch(() => null)) !== null) return false;
	return policy.codec.namesUnknownKey(params);
}

let unknownKeyReported = false;

/** Once per process: operators learn that instances disagree on their secrets. */
function reportUnknownKey(): void {
	if (unknownKeyReported) return;
	unknownKeyReported = true;
	console.warn(
		'[session] a session cookie is sealed under a secret this instance does not have: read as signed out and kept. Another instance has a newer AUTH_SECRET_n, or this one lost one (see "Rotating AUTH_SECRET").'
	);
}
