import type { RequestEvent } from '@sveltejs/kit';
import type { ProviderId } from '$lib/auth/types';
import { findAccount } from './accounts';
import { AccountNotLinkedError, ProviderUnavailableError, RefreshTokenError } from './errors';
import { assertUser } from './guards';
import { tokenServices } from './tokens';

export interface AccessToken {
	value: string;
	/** Seconds since the epoch, or null when the token does not expire. */
	expiresAt: number | null;
	rotatedAt: Date | null;
}

/**
 * A valid access token for the signed-in user at `provider`, refreshed first when it expires
 * within the skew, through the same single-flight, row-locked path as the jwt callback.
 * Throws `RefreshTokenError` when the user must sign in again, `ProviderUnavailableError` when
 * the token has expired and the provider cannot be reached, `AccountNotLinkedError` when the
 * provider is not linked.
 */
export async function getAccessToken(event: RequestEvent, provider: ProviderId): Promise<string> {
	const user = await assertUser(event);
	if ((await event.locals.auth())?.error !== undefined) throw new RefreshTokenError(provider);
	return (await readAccessToken(user.id, provider)).value;
}

/** `getAccessToken` for a known user id, with the token's expiry and last rotation. */
export async function readAccessToken(
	userId: string,
	provider: ProviderId,
	{ force = false } = {}
): Promise<AccessToken> {
	const { rotator, cipher } = tokenServices();
	let account = await findAccount(userId, provider);
	if (account === null) throw new AccountNotLinkedError(provider);

	if (force || account.access_token === null || rotator.isExpiring(account.expires_at)) {
		const outcome = await rotator.ensureFresh(account, { force });
		if (outcome.status === 'rejected') throw new RefreshTokenError(provider);
		if (outcome.status === 'unlinked') throw new AccountNotLinkedError(provider);
		account = (await findAccount(userId, provider)) ?? account;
		if (account.access_token === null || rotator.isExpiring(account.expires_at, 0)) {
			throw new ProviderUnavailableError(provider);
		}
	}
	return {
		value: await cipher.decrypt(account.access_token!),
		expiresAt: account.expires_at,
		rotatedAt: account.rotatedAt
	};
}
