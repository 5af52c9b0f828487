import { json } from '@sveltejs/kit';
import { MIGRATIONS_FOLDER } from '$lib/server/db';
import { checkReadiness } from '$lib/server/db/readiness';
import type { RequestHandler } from './$types';

/**
 * Readiness for load balancers: 200 when the database answers and its migrations are applied,
 * else 503 saying only what is unavailable; why goes to the log, not to whoever asks. Unlike
 * `/api/health`, it reads the database.
 */
export const GET: RequestHandler = async ({ locals }) => {
	const readiness = await checkReadiness(locals.app.db, MIGRATIONS_FOLDER);
	const headers = { 'cache-control': 'no-store' };
	if (readiness.ready) return json({ status: 'ready' }, { headers });
	console.warn(`[ready] not ready: ${readiness.reason}: ${readiness.detail}`);
	return json({ status: 'unavailable', reason: readiness.reason }, { status: 503, headers });
};
