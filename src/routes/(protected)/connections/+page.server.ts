import { fail, redirect } from '@sveltejs/kit';
import { isProviderId, PROVIDER_NAMES, type ProviderId } from '$lib/auth/types';
import { signInPath } from '$lib/paths';
import {
	AccountNotLinkedError,
	ProviderUnavailableError,
	RefreshTokenError
} from '$lib/server/tokens/errors';
import { assertUser, requireUser } from '$lib/server/session/guards';
import { reissueSessionCookie } from '$lib/server/session/cookies';
import { describeConnections, rotateConnectionTokens } from '$lib/server/account/connections';
import { readForm } from '$lib/server/http/form';
import { requestClient } from '$lib/server/http/request-client';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireUser(event);
	try {
		return { connections: await describeConnections(user.id, requestClient(event)) };
	} catch (error) {
		if (error instanceof RefreshTokenError) redirect(303, signInPath(event.url));
		throw error;
	}
};

export const actions: Actions = {
	refresh: async (event) => {
		const user = await assertUser(event);
		const provider = (await readForm(event.request)).get('provider');
		if (!isProviderId(provider)) return fail(400, { provider: null, error: 'No provider chosen.' });
		let expiresAt;
		try {
			expiresAt = await rotateConnectionTokens(user.id, provider, requestClient(event));
		} catch (error) {
			return failRefresh(error, provider);
		}
		// The session cookie carries each token's expiry: re-issue it with the new one.
		await reissueSessionCookie(event);
		return { provider, expiresAt };
	}
};

function failRefresh(error: unknown, provider: ProviderId) {
	const name = PROVIDER_NAMES[provider];
	if (error instanceof RefreshTokenError) {
		const message = `${name} refused to refresh the token. Sign in again to reconnect.`;
		return fail(409, { provider, error: message });
	}
	if (error instanceof ProviderUnavailableError) {
		return fail(503, { provider, error: `${name} could not be reached. Try again soon.` });
	}
	if (error instanceof AccountNotLinkedError) {
		return fail(404, { provider, error: `No ${name} account is linked.` });
	}
	throw error;
}
