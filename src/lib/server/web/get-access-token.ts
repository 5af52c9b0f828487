import type { RequestEvent } from '@sveltejs/kit';
import type { ProviderId } from '$lib/auth/types';
import { requestClient } from '../http/request-client';
import { readAccessToken } from '../tokens/access-token';
import { RefreshTokenError } from '../tokens/errors';
import { assertUser } from './require-user';

/**
 * A valid access token for the signed-in user at `provider`, by the session's refresh policy
 * (`TokenRotator.refreshAsNeeded`): a token inside its refresh window is returned at once while
 * one background refresh renews it, and only an expired one waits for its refresh (at most the
 * request wait, 5 s).
 * Throws `RefreshTokenError` when the user must sign in again, `ProviderUnavailableError` when
 * the token has expired and the provider cannot be reached, `AccountNotLinkedError` when the
 * provider is not linked, and `NoStoredTokensError` when the user signed out and has not signed
 * in with that provider since (`UnreadableTokensError` when a removed secret sealed the tokens,
 * `LostTokensError` when a refresh's answer never arrived and its retry was refused).
 */
export async function getAccessToken(event: RequestEvent, provider: ProviderId): Promise<string> {
	const user = await assertUser(event);
	if ((await event.locals.auth())?.error !== undefined) throw new RefreshTokenError(provider);
	const client = requestClient(event);
	return (await readAccessToken(event.locals.app, user.id, provider, { client })).value;
}
