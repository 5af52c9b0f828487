import { describe, expect, it } from 'vitest';
// Note: Auth.js's own reader of the session cookie, which its package does not export: the
// rule here must stay exactly its rule, so the tests compare with it rather than restate it.
import { SessionStore } from '../../../../node_modules/@auth/core/lib/utils/cookie.js';
import { isSessionCookie, readSessionCookie, withoutSessionCookies } from './session-cookie';

const HTTP = new URL('http://127.0.0.1:5173/auth/callback/google');
const HTTPS = new URL('https://latchkey.example/auth/callback/google');

/** The token Auth.js reads from `cookies` at `url`, by its own SessionStore. */
function authjsReads(cookies: Record<string, string>, url: URL): string {
	const name = `${url.protocol === 'https:' ? '__Secure-' : ''}authjs.session-token`;
	const logger = { debug() {}, warn() {}, error() {} };
	return new SessionStore({ name, options: {} }, cookies, logger).value;
}

const CASES: Record<string, string>[] = [
	{ 'authjs.session-token': 'whole' },
	{ 'authjs.session-token.1': 'b', 'authjs.session-token.0': 'a' },
	{ 'authjs.session-tokenX': 'renamed' },
	{ 'authjs.session-token': 'live', 'authjs.session-tokenX': 'stolen' },
	{ 'authjs.session-token-copy.2': 'c', 'authjs.session-token.1': 'b', other: 'kept' },
	{ 'authjs.session-token': '', 'authjs.csrf-token': 'not-a-session' },
	{ '__Secure-authjs.session-tokenX': 'renamed', 'authjs.session-token': 'plain' }
];

describe('the session cookie, by Auth.js’s rule', () => {
	it.each(CASES)('reads what Auth.js reads from %o', (cookies) => {
		for (const url of [HTTP, HTTPS]) {
			const list = Object.entries(cookies).map(([name, value]) => ({ name, value }));
			expect(readSessionCookie(list, url)?.token ?? '').toBe(authjsReads(cookies, url));
		}
	});

	it('counts a renamed copy as part of the session, and as a second part beside the cookie', () => {
		expect(isSessionCookie('authjs.session-tokenX', HTTP)).toBe(true);
		expect(isSessionCookie('__Secure-authjs.session-tokenX', HTTPS)).toBe(true);
		expect(isSessionCookie('authjs.csrf-token', HTTP)).toBe(false);
		const both = [
			{ name: 'authjs.session-token', value: 'live' },
			{ name: 'authjs.session-tokenX', value: 'stolen' }
		];
		expect(readSessionCookie(both, HTTP)?.parts).toBe(2);
	});

	it('strips every cookie Auth.js would read as the session from a request, and keeps the rest', () => {
		const request = new Request(HTTPS, {
			method: 'POST',
			headers: {
				cookie:
					'__Secure-authjs.session-tokenX=stolen; __Secure-authjs.session-token.0=a; ' +
					'__Secure-authjs.pkce.code_verifier=v; authjs.state=s'
			},
			body: 'code=1'
		});
		const stripped = withoutSessionCookies(request, HTTPS);
		expect(stripped.headers.get('cookie')).toBe(
			'__Secure-authjs.pkce.code_verifier=v; authjs.state=s'
		);
		expect(stripped.method).toBe('POST');
	});
});
