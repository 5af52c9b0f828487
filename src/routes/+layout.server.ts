import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	// Field by field: the session holds no provider token, and its row id stays on the server.
	const session = await locals.auth();
	if (session === null) return { session };
	const { user, providers, error, expires } = session;
	return { session: { user, providers, expires, ...(error !== undefined && { error }) } };
};
