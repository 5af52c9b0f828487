import type { ProviderId } from '$lib/auth/types';
import type { RequestClient } from '../http/request-client';
import { canOpenStoredTokens, findAccount } from './accounts';
import {
	AccountNotLinkedError,
	LostTokensError,
	NoStoredTokensError,
	ProviderUnavailableError,
	RefreshTokenError,
	UnreadableTokensError
} from './errors';
import { listAuditEvents } from '../audit/audit-log';
import type { Database } from '../db';
import type { TokenCipher } from './cipher';
import type { TokenRotator } from './rotation/token-rotator';

/** What reading a stored access token needs: the tokens, their key ring, and the rotator. */
export interface TokenReader {
	db: Database;
	cipher: TokenCipher;
	rotator: TokenRotator;
}

export interface AccessToken {
	value: string;
	/** Seconds since the epoch, or null when the token does not expire. */
	expiresAt: number | null;
	rotatedAt: Date | null;
}

/**
 * `getAccessToken` for a known user id, with the token's expiry and last rotation. `force`
 * rotates now and waits for it, fresh or not ("Refresh now"): a provider that cannot be reached
 * then throws `ProviderUnavailableError`, even while the old token is still valid.
 */
export async function readAccessToken(
	{ db, cipher, rotator }: TokenReader,
	userId: string,
	provider: ProviderId,
	{ force = false, client = null }: { force?: boolean; client?: RequestClient | null } = {}
): Promise<AccessToken> {
	let account = await findAccount(db, userId, provider);
	if (account === null) throw new AccountNotLinkedError(provider);
	if (account.access_token === null && account.refresh_token === null) {
		throw (await wereLost(db, userId, provider))
			? new LostTokensError(provider)
			: new NoStoredTokensError(provider);
	}
	const key = {
		provider,
		providerAccountId: account.providerAccountId,
		expiresAt: account.expires_at,
		issuedAt: account.tokenIssuedAt
	};

	// Tokens no secret opens are forgotten by the leased refresh, which checks for that first.
	const unreadable = !(await canOpenStoredTokens(account, cipher));
	const mustWait = unreadable || account.access_token === null;
	const refresh = rotator.refreshAsNeeded(key, { force, client, mustWait });
	if (refresh !== null) {
		const outcome = await refresh;
		if (outcome.status === 'rejected') throw new RefreshTokenError(provider);
		if (outcome.status === 'unlinked') throw new AccountNotLinkedError(provider);
		if (outcome.status === 'forgotten') throw new UnreadableTokensError(provider);
		if (outcome.status === 'lost') throw new LostTokensError(provider);
		if (force && outcome.status === 'unavailable') throw new ProviderUnavailableError(provider);
		account = (await findAccount(db, userId, provider)) ?? account;
		// An answer the database could not take yet: this process uses it until it is stored.
		account = { ...account, ...rotator.keptTokens(key) };
		if (rotator.isExpired({ expiresAt: account.expires_at })) {
			throw new ProviderUnavailableError(provider);
		}
	}
	// Without a refresh the token was there (`mustWait`); after one, there may be none yet.
	if (account.access_token === null) throw new ProviderUnavailableError(provider);
	return {
		value: await cipher.decrypt(account.access_token),
		expiresAt: account.expires_at,
		rotatedAt: account.rotatedAt
	};
}

/** Whether the user's `provider` tokens went with a lost refresh, not with a sign-out. */
async function wereLost(db: Database, userId: string, provider: ProviderId): Promise<boolean> {
	const events = ['sign_in', 'account_linked', 'refresh_lost'] as const;
	const [latest] = await listAuditEvents(db, userId, 1, { events: [...events], detail: provider });
	return latest?.event === 'refresh_lost';
}
