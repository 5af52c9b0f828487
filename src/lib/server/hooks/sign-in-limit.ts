import type { Handle, RequestEvent } from '@sveltejs/kit';
import { PATHS } from '$lib/paths';
import { toClientNetwork } from '../http/client-network';
import { isDatabaseUnavailable } from '../db/errors';

/**
 * Starting a sign-in (our form or Auth.js's endpoint) and coming back from the provider.
 * Note: SvelteKit routes on the decoded path (`/sign%69n` is `/signin`), so our action is matched
 * by its route id, and Auth.js's paths, which have none, on the path decoded the same way.
 */
function isSignInAttempt(event: RequestEvent): boolean {
	const method = event.request.method;
	if (method === 'POST' && event.route.id === PATHS.signIn) return true;
	const pathname = decodePathname(event.url.pathname);
	if (method === 'POST' && pathname.startsWith('/auth/signin/')) return true;
	return pathname.startsWith('/auth/callback/');
}

/** As SvelteKit decodes a path (`%25` stays); a malformed escape leaves it as it came. */
function decodePathname(pathname: string): string {
	try {
		return pathname.split('%25').map(decodeURI).join('%25');
	} catch {
		return pathname;
	}
}

/** Refuses sign-in attempts over the per-IP (IPv6: per-/64) limit with a 429 page that says when to retry. */
export const limitSignIns: Handle = async ({ event, resolve }) => {
	if (!isSignInAttempt(event)) return resolve(event);
	const { signInLimiter, db } = event.locals.app;
	let decision;
	try {
		// An IPv6 client is counted by its /64, which it holds whole.
		decision = await signInLimiter.hit(db, toClientNetwork(event.getClientAddress()));
	} catch (error) {
		// Note: without a database no sign-in can finish anyway; that answer is the outage's 503.
		if (!isDatabaseUnavailable(error)) throw error;
		return resolve(event);
	}
	if (decision.allowed) return resolve(event);
	return new Response(tooManyAttemptsPage(decision.retryAfterSeconds), {
		status: 429,
		headers: {
			'retry-after': String(decision.retryAfterSeconds),
			'content-type': 'text/html; charset=utf-8',
			'cache-control': 'no-store',
			'content-security-policy': "default-src 'none'"
		}
	});
};

function tooManyAttemptsPage(seconds: number): string {
	const wait = seconds === 1 ? '1 second' : `${seconds} seconds`;
	return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Too many sign-in attempts · Latchkey</title></head>
<body>
<h1>Too many sign-in attempts</h1>
<p>Please try again in ${wait}.</p>
<p><a href="${PATHS.signIn}">Back to sign-in</a></p>
</body>
</html>
`;
}
