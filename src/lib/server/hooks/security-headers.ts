import type { Handle } from '@sveltejs/kit';

/** Sent with every response. The CSP itself comes from `kit.csp` in svelte.config.js. */
const HEADERS = {
	'referrer-policy': 'strict-origin-when-cross-origin',
	'x-content-type-options': 'nosniff',
	// Legacy twin of the CSP's frame-ancestors 'none', for browsers that predate it.
	'x-frame-options': 'DENY',
	'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'
};

/** Over https only (browsers ignore it on http): two years, subdomains included. */
const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * For every response that sets no Cache-Control of its own: whatever passes through the hooks
 * may depend on the session, so no shared cache keeps it. Note: adapter-node serves the static
 * assets (`/_app/immutable/*`, long-lived) before the hooks run, so they keep theirs.
 */
const NO_STORE = 'private, no-store';

export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers: Record<string, string> = { ...HEADERS };
	if (event.url.protocol === 'https:') headers['strict-transport-security'] = HSTS;
	if (!response.headers.has('cache-control')) headers['cache-control'] = NO_STORE;
	try {
		for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
		return response;
	} catch {
		// Some responses (Response.redirect, fetched ones) have immutable headers: copy them.
		const copy = new Headers(response.headers);
		for (const [name, value] of Object.entries(headers)) copy.set(name, value);
		const { status, statusText } = response;
		return new Response(response.body, { status, statusText, headers: copy });
	}
};
