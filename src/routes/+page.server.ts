import { labelProviders, offeredProviders } from '$lib/server/providers/labels';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	// Note: the layout read the session already; `locals.auth()` is decoded once per request.
	const session = await locals.auth();
	return {
		offered: offeredProviders(locals.app.providers).map(({ name }) => name),
		signedInWith: labelProviders(locals.app.providers, session?.providers ?? []).map(
			({ name }) => name
		)
	};
};
