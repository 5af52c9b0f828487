import type { Handle } from '@sveltejs/kit';
import { DATABASE_PROBE_TIMEOUT_MS, OUTAGE_RETRY_AFTER_SECONDS } from '$lib/timings';
import { isDatabaseReachable } from '../db/reachable';

/**
 * A request that failed (500) while the database cannot be reached answers 503 with Retry-After,
 * not 500: it is worth a retry once the database is back. The page itself, with its safe
 * message, is the one `handleError` chose for the error.
 * Note: SvelteKit 2 renders a load's unexpected error as a 500 before any handle sees the
 * response, and `handleError` cannot choose a status; so the handle asks the database itself,
 * once per failed request. A request that did not fail costs nothing.
 */
export const reportOutages: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (
		response.status !== 500 ||
		(await isDatabaseReachable(event.locals.app.db, DATABASE_PROBE_TIMEOUT_MS))
	) {
		return response;
	}
	const headers = new Headers(response.headers);
	headers.set('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS));
	return new Response(response.body, { status: 503, headers });
};
