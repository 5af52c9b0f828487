import type { Handle } from '@sveltejs/kit';

/**
 * SvelteKit answers a form POST to `?/default` (the reserved action name) with a plain Error,
 * so a 500 and a stack trace; it is the client's mistake. Note: SvelteKit reads the first query
 * key that starts with `/` as the action's name.
 */
export const refuseReservedAction: Handle = ({ event, resolve }) => {
	const action = [...event.url.searchParams.keys()].find((key) => key.startsWith('/'));
	if (event.request.method === 'POST' && action === '/default') {
		return new Response('No action is named "default".', { status: 400 });
	}
	return resolve(event);
};
