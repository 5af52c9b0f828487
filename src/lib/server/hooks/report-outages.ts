import type { Handle } from '@sveltejs/kit';

/** A request that failed because the database is down gets 503, not 500: it is worth a retry. */
export const reportOutages: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (!event.locals.databaseUnavailable) return response;
	const headers = new Headers(response.headers);
	headers.set('retry-after', '5');
	return new Response(response.body, { status: 503, headers });
};
