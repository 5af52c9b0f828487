import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	// The session is built field by field in the session callback and holds no provider token.
	return { session: await locals.auth() };
};
