import { redirect } from '@sveltejs/kit';
import { signInPath } from '$lib/paths';
import { RefreshTokenError } from '$lib/server/auth/errors';
import { requireUser } from '$lib/server/auth/guards';
import { describeConnections } from '$lib/server/connections';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireUser(event);
	try {
		return { connections: await describeConnections(user.id) };
	} catch (error) {
		if (error instanceof RefreshTokenError) redirect(303, signInPath(event.url));
		throw error;
	}
};
