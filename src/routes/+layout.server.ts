import { pick } from 'lodash-es';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	const session = await locals.auth();
	// An allow-list: the session holds no provider token, and its row id stays on the server.
	return {
		session: session && {
			...pick(session, ['providers', 'expires', 'error']),
			user: pick(session.user, ['id', 'name', 'email', 'image'])
		}
	};
};
