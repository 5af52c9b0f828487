import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError, type Env } from '../config/env';

/** Whether a scrape may read the metrics: off (no METRICS_TOKEN), denied, or allowed. */
export type ScrapeAccess = 'off' | 'denied' | 'allowed';

const MIN_TOKEN_LENGTH = 16;
// RFC 6750's b64token: what a bearer token may be made of.
const TOKEN_CHARACTERS = /^[A-Za-z0-9\-._~+/]+=*$/;
const BEARER = /^Bearer +(\S+)$/i;

// The SHA-256 of METRICS_TOKEN; null while /metrics is off.
let expected: Buffer | null = null;

/**
 * Reads METRICS_TOKEN, once per process (at start-up): unset or empty leaves /metrics off. A
 * ConfigError when it is shorter than 16 characters, or holds one a bearer token cannot.
 */
export function configureScrapeAccess(env: Env): void {
	const token = env.METRICS_TOKEN;
	expected = null;
	if (!token) return;
	if (token.length < MIN_TOKEN_LENGTH || !TOKEN_CHARACTERS.test(token)) {
		throw new ConfigError(
			`METRICS_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters of A-Z a-z 0-9 - . _ ~ + / (generate one with: openssl rand -hex 32)`
		);
	}
	expected = digest(token);
}

/**
 * Checks a scrape's Authorization header against METRICS_TOKEN. Note: both sides are hashed
 * first, so the comparison takes the same time whatever the header holds, its length included.
 */
export function checkScrapeAccess(authorization: string | null): ScrapeAccess {
	if (expected === null) return 'off';
	const given = BEARER.exec(authorization?.trim() ?? '')?.[1] ?? '';
	return timingSafeEqual(digest(given), expected) ? 'allowed' : 'denied';
}

/** The answer to a scrape without the right bearer token. */
export function refuseScrape(): Response {
	return new Response('Unauthorized\n', {
		status: 401,
		headers: {
			'www-authenticate': 'Bearer realm="metrics"',
			'content-type': 'text/plain; charset=utf-8',
			'cache-control': 'no-store'
		}
	});
}

function digest(token: string): Buffer {
	return createHash('sha256').update(token).digest();
}
