import { Auth } from '@auth/core';
import { encode } from '@auth/core/jwt';
import { describe, expect, it } from 'vitest';
import { readSessionCookie, sessionCookieName } from './session-cookie';

// Note: written against @auth/core 0.41.3 (@auth/sveltekit 1.11.3). `session-cookie.ts` copies
// which cookies Auth.js reads as the session, and `codec.ts` its key derivation (checked against
// Auth.js's own encode and decode in `codec.test.ts`). These cases fail when an upgrade of
// Auth.js reads the session cookie differently, so that the copy can follow it.

const secret = 'contract-test-secret-0123456789abcdefghijklmnop';
const url = new URL('http://127.0.0.1:5173/auth/session');
const name = sessionCookieName(url);

/** Who Auth.js's own session endpoint says is signed in with `cookies`, or null. */
async function authjsReads(cookies: [string, string][]): Promise<string | null> {
	const request = new Request(url, {
		headers: { cookie: cookies.map(([cookie, value]) => `${cookie}=${value}`).join('; ') }
	});
	const response = await Auth(request, {
		secret,
		trustHost: true,
		providers: [],
		session: { strategy: 'jwt' },
		logger: { error: () => {}, warn: () => {}, debug: () => {} }
	});
	const session = (await response.json()) as { user?: { name?: string } } | null;
	return session?.user?.name ?? null;
}

/** Who the app's copy of the rule finds in `cookies`, or null. */
async function oursReads(cookies: [string, string][]): Promise<string | null> {
	const found = readSessionCookie(
		cookies.map(([cookie, value]) => ({ name: cookie, value })),
		url
	);
	return found === null ? null : found.token === token ? 'Ada' : 'another token';
}

const token = await encode({ token: { sub: 'user-1', name: 'Ada' }, secret, salt: name });
const half = Math.ceil(token.length / 2);

const cases: Record<string, [string, string][]> = {
	'the session cookie': [[name, token]],
	'its chunks': [
		[`${name}.0`, token.slice(0, half)],
		[`${name}.1`, token.slice(half)]
	],
	'its chunks, out of order': [
		[`${name}.1`, token.slice(half)],
		[`${name}.0`, token.slice(0, half)]
	],
	'a renamed copy alone (its name starts with the session cookie’s)': [[`${name}X`, token]],
	'a cookie whose name only contains it': [[`x${name}`, token]],
	'an empty session cookie': [[name, '']]
};

describe('which cookies Auth.js reads as the session, and the app’s copy of its rule', () => {
	it.each(Object.entries(cases))('%s', async (_, cookies) => {
		const theirs = await authjsReads(cookies);
		expect(await oursReads(cookies)).toBe(theirs);
	});

	it('has cases where Auth.js reads a session and cases where it reads none', async () => {
		const read = await Promise.all(Object.values(cases).map(authjsReads));
		expect(read).toContain('Ada');
		expect(read).toContain(null);
	});
});
