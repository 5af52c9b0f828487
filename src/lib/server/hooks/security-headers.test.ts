import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers';

async function respond(url: string, response = () => new Response('ok')) {
	const event = { url: new URL(url) } as RequestEvent;
	return securityHeaders({ event, resolve: async () => response() });
}

describe('security headers', () => {
	it('sends referrer, sniffing, framing and permissions policies on http, without HSTS', async () => {
		const { headers } = await respond('http://127.0.0.1:3000/');
		expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
		expect(headers.get('x-content-type-options')).toBe('nosniff');
		expect(headers.get('x-frame-options')).toBe('DENY');
		expect(headers.get('permissions-policy')).toContain('camera=()');
		expect(headers.get('strict-transport-security')).toBeNull();
	});

	it('adds HSTS under https', async () => {
		const { headers } = await respond('https://app.example.com/');
		expect(headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
	});

	it('marks a response private, no-store unless it set its own Cache-Control', async () => {
		const page = await respond('http://127.0.0.1:3000/profile');
		expect(page.headers.get('cache-control')).toBe('private, no-store');
		const own = await respond('http://127.0.0.1:3000/api/get-session-status', () =>
			Response.json({}, { headers: { 'cache-control': 'no-store' } })
		);
		expect(own.headers.get('cache-control')).toBe('no-store');
	});

	it('also covers responses whose headers are immutable', async () => {
		const response = await respond('https://app.example.com/', () =>
			Response.redirect('https://app.example.com/signin', 303)
		);
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('https://app.example.com/signin');
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('cache-control')).toBe('private, no-store');
	});
});
