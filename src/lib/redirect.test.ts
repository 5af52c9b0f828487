import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect';

const origin = 'http://127.0.0.1:3000';

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

	it('uses the given fallback', () => {
		expect(safeRedirect('//evil.com', origin, '/signin')).toBe('/signin');
	});
});
