import { PROVIDER_NAMES } from '$lib/auth/types';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	// Note: the layout read the session already; `locals.auth()` is decoded once per request.
	const session = await locals.auth();
	return { signedInWith: session?.providers.map((provider) => PROVIDER_NAMES[provider]) ?? [] };
};
