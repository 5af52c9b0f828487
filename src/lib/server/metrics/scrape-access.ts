import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether a scrape may read the metrics: off (no METRICS_TOKEN), denied, or allowed. */
export type ScrapeAccess = 'off' | 'denied' | 'allowed';

const BEARER = /^Bearer +(\S+)$/i;

/**
 * Checks a scrape's Authorization header against `metricsToken` (METRICS_TOKEN; null: /metrics
 * is off). Note: both sides are hashed first, so the comparison takes the same time whatever
 * the header holds, its length included.
 */
export function checkScrapeAccess(
	metricsToken: string | null,
	authorization: string | null
): ScrapeAccess {
	if (metricsToken === null) return 'off';
	const given = BEARER.exec(authorization?.trim() ?? '')?.[1] ?? '';
	return timingSafeEqual(digest(given), digest(metricsToken)) ? 'allowed' : 'denied';
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
