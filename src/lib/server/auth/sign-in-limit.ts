import type { Handle } from '@sveltejs/kit';
import { PATHS } from '$lib/paths';
import { SIGN_IN_RATE_LIMIT, SIGN_IN_RATE_WINDOW_SECONDS } from '$lib/timings';
import { readWholeNumber } from '../config-error';
import { SlidingWindowLimiter } from '../rate-limit';

type Env = Record<string, string | undefined>;

let limiter: SlidingWindowLimiter | null = null;

/** Sets the per-IP limit on sign-in attempts from env, once per process (at start-up). */
export function configureSignInLimit(env: Env): void {
	const limit = readWholeNumber(env, 'AUTH_RATE_LIMIT', SIGN_IN_RATE_LIMIT);
	const windowSeconds = readWholeNumber(
		env,
		'AUTH_RATE_LIMIT_WINDOW_SECONDS',
		SIGN_IN_RATE_WINDOW_SECONDS
	);
	limiter = new SlidingWindowLimiter({ limit, windowMs: windowSeconds * 1000 });
}

/** Starting a sign-in (our form or Auth.js's endpoint) and coming back from the provider. */
function isSignInAttempt(method: string, pathname: string): boolean {
	if (method === 'POST' && (pathname === PATHS.signIn || pathname.startsWith('/auth/signin/'))) {
		return true;
	}
	return pathname.startsWith('/auth/callback/');
}

/** Refuses sign-in attempts over the per-IP limit with a 429 page that says when to retry. */
export const limitSignIns: Handle = ({ event, resolve }) => {
	if (limiter === null || !isSignInAttempt(event.request.method, event.url.pathname)) {
		return resolve(event);
	}
	const decision = limiter.hit(event.getClientAddress());
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
