import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect';

const origin = 'http://127.0.0.1:3000';

/**
 * Known open-redirect bypasses (from the usual cheat sheets), as they could arrive in
 * `redirectedFrom`, `callbackUrl` or a sign-out landing: each must end up as a path on `origin`.
 */
const BYPASSES = [
	// protocol-relative and extra slashes
	'//evil.com',
	'///evil.com',
	'////evil.com/',
	'//evil.com/%2F..',
	'/\\/evil.com',
	// backslashes, read as slashes by browsers
	'/\\evil.com',
	'\\\\evil.com',
	'\\/evil.com',
	'/\\/\\/evil.com',
	// encoded slashes and backslashes, once and twice
	'/%2F%2Fevil.com',
	'%2F%2Fevil.com',
	'/%5Cevil.com',
	'%5C%5Cevil.com',
	'/%252F%252Fevil.com',
	'%252F%252Fevil.com',
	'/%2e%2e//evil.com',
	'/.//evil.com',
	'/..//evil.com',
	// schemes
	'javascript:alert(1)',
	'JaVaScRiPt:alert(1)',
	'java\tscript:alert(1)',
	' javascript:alert(1)',
	'javascript://%0aalert(1)',
	'data:text/html,<script>alert(1)</script>',
	'DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
	'vbscript:msgbox(1)',
	'https:evil.com',
	'http:/evil.com',
	'http:\\\\evil.com',
	// userinfo
	'http://127.0.0.1:3000@evil.com/',
	'http://evil.com@127.0.0.1:3000.evil.com/',
	'https://127.0.0.1:3000%40evil.com',
	'//127.0.0.1:3000@evil.com',
	// tabs, newlines and other whitespace
	'/\tevil.com',
	'/\t/evil.com',
	'/\n/evil.com',
	'/\r\n/evil.com',
	'\t//evil.com',
	' //evil.com',
	'/\u3000/evil.com',
	// IDN, mixed case and look-alikes
	'https://EVIL.com/',
	'HTTPS://evil.com',
	'https://еvil.com/',
	'https://evil。com',
	'//evil%E3%80%82com',
	'https://127.0.0.1.evil.com/',
	// the same host, but another port or scheme
	'http://127.0.0.1:3001/profile',
	'https://127.0.0.1:3000/profile',
	'http://127.0.0.1/profile',
	'http://localhost:3000/profile',
	'ws://127.0.0.1:3000/',
	// not a path at all
	'evil.com',
	'evil.com/profile',
	'?next=//evil.com',
	'#//evil.com'
];

describe('safeRedirect', () => {
	it.each([
		['/profile', '/profile'],
		['/profile?tab=1#name', '/profile?tab=1#name'],
		['/a/../profile', '/profile'],
		['/%2F%2Fevil.com', '/%2F%2Fevil.com'],
		['http://127.0.0.1:3000/profile', '/profile'],
		['HTTP://127.0.0.1:3000/x?y=1', '/x?y=1']
	])('keeps the same-origin target %s as %s', (target, expected) => {
		expect(safeRedirect(target, origin)).toBe(expected);
	});

	it.each([
		'//evil.com',
		'///evil.com',
		'/\\evil.com',
		'\\\\evil.com',
		'/\tevil.com',
		'/\n/evil.com',
		' /profile',
		'https://evil.com/profile',
		'http://127.0.0.1:3001/profile',
		'https://127.0.0.1:3000/profile',
		'http://evil.com@127.0.0.1:3000.evil.com/',
		'javascript:alert(1)',
		'JaVaScRiPt:alert(1)',
		'data:text/html,<script>alert(1)</script>',
		'/.//evil.com',
		'/%2e%2e//evil.com',
		'evil.com',
		'profile',
		'',
		undefined,
		null,
		42
	])('sends %j to the fallback', (target) => {
		expect(safeRedirect(target, origin)).toBe('/');
	});

	it.each(BYPASSES)(
		`open-redirect corpus (${BYPASSES.length} payloads): %j stays on-site`,
		(target) => {
			const result = safeRedirect(target, origin);
			expect(result).toMatch(/^\/(?![/\\])/);
			expect(new URL(result, origin).origin).toBe(origin);
		}
	);

	it('uses the given fallback', () => {
		expect(safeRedirect('//evil.com', origin, '/signin')).toBe('/signin');
	});
});
