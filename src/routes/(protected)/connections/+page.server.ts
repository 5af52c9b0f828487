import { fail, redirect } from '@sveltejs/kit';
import type { ProviderId } from '$lib/auth/types';
import { signInPath } from '$lib/paths';
import { describeConnections, refreshConnection } from '$lib/server/account/connections';
import { reissueSessionCookie } from '$lib/server/authjs';
import { readActionInput, requireUser } from '$lib/server/web/require-user';
import { getAccessToken } from '$lib/server/web/get-access-token';
import { RefreshTokenError } from '$lib/server/tokens/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireUser(event);
	try {
		const getToken = (provider: ProviderId) => getAccessToken(event, provider);
		return { connections: await describeConnections(event.locals.app, user.id, getToken) };
	} catch (error) {
		if (error instanceof RefreshTokenError) redirect(303, signInPath(event.url));
		throw error;
	}
};

export const actions: Actions = {
	refresh: async (event) => {
		const { user, sessionId, form, client } = await readActionInput(event);
		const provider = form.get('provider');
		const result = await refreshConnection(event.locals.app, user.id, sessionId, provider, client);
		if (!result.ok) return fail(result.status, { provider: result.provider, error: result.error });
		// The session cookie carries each token's expiry: re-issue it with the new one.
		await reissueSessionCookie(event);
		return { provider: result.provider, expiresAt: result.expiresAt };
	}
};
