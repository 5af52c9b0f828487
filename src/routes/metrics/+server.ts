import { error } from '@sveltejs/kit';
import { exposeMetrics } from '$lib/server/metrics/exposition';
import { checkScrapeAccess, refuseScrape } from '$lib/server/metrics/scrape-access';
import type { RequestHandler } from './$types';

/**
 * Prometheus's scrape, with `Authorization: Bearer $METRICS_TOKEN`; without METRICS_TOKEN it is
 * a 404 like any unknown path. Note: it never reads the session, so it costs no cookie decode.
 */
export const GET: RequestHandler = ({ request, locals }) => {
	const authorization = request.headers.get('authorization');
	const access = checkScrapeAccess(locals.app.config.metricsToken, authorization);
	if (access === 'off') error(404, 'Not Found');
	if (access === 'denied') return refuseScrape();
	return exposeMetrics();
};
