import { eq } from 'drizzle-orm';
import type { ProviderId } from '$lib/auth/types';
import { PROVIDER_REVOCATION_TIMEOUT_MS } from '$lib/timings';
import type { Database } from '../db';
import { accounts } from '../db/schema';
import { revokeAtProvider } from '../providers/revoke';
import type { ProviderSettings } from '../providers/settings';
import type { TokenCipher } from './cipher';

/** Where provider tokens are stored, the key ring that seals them, and their providers. */
export interface TokenStore {
	db: Database;
	cipher: TokenCipher;
	providers: ProviderSettings[];
}

/** Provider tokens as the `accounts` table stores them: sealed, or null. */
export interface StoredTokens {
	provider: ProviderId;
	accessToken: string | null;
	refreshToken: string | null;
}

/** The user's stored tokens, one row per linked account; add `.for('update')` to lock them. */
export function selectStoredTokens(database: Database, userId: string) {
	return database
		.select({
			provider: accounts.provider,
			accessToken: accounts.access_token,
			refreshToken: accounts.refresh_token
		})
		.from(accounts)
		.where(eq(accounts.userId, userId));
}

/**
 * Deletes the provider tokens stored for the user, then asks each provider to revoke them
 * (best-effort, see `revokeStoredTokens`). The account links stay, with no token life: nothing
 * is due until the next sign-in with that provider stores new tokens, so a sign-in with another
 * linked provider meanwhile is not flagged. Returns how many providers confirmed.
 */
export async function forgetProviderTokens(store: TokenStore, userId: string): Promise<number> {
	const { db } = store;
	const rows = await selectStoredTokens(db, userId);
	await db
		.update(accounts)
		.set({
			access_token: null,
			refresh_token: null,
			id_token: null,
			expires_at: null,
			tokenIssuedAt: null,
			// Note: a refresh under way then no longer holds the lease, so it cannot store the
			// tokens it gets back; it revokes them instead (`dropOrphanedAnswer`).
			refreshClaimId: null,
			refreshClaimedUntil: null
		})
		.where(eq(accounts.userId, userId));
	return revokeStoredTokens(store, rows);
}

/**
 * Asks each row's provider to revoke its tokens, once they are no longer stored: best-effort,
 * in parallel, each within PROVIDER_REVOCATION_TIMEOUT_MS. Returns how many providers confirmed.
 */
export async function revokeStoredTokens(
	{ cipher, providers }: Pick<TokenStore, 'cipher' | 'providers'>,
	rows: StoredTokens[]
): Promise<number> {
	const confirmed = await Promise.all(
		rows.map(async (row) => {
			const settings = providers.find(({ id }) => id === row.provider);
			if (settings === undefined) return false;
			const tokens = {
				accessToken: await openOrNull(cipher, row.accessToken),
				refreshToken: await openOrNull(cipher, row.refreshToken)
			};
			return revokeAtProvider(settings, tokens, PROVIDER_REVOCATION_TIMEOUT_MS);
		})
	);
	return confirmed.filter(Boolean).length;
}

async function openOrNull(cipher: TokenCipher, sealed: string | null): Promise<string | null> {
	if (sealed === null) return null;
	return cipher.decrypt(sealed).catch(() => null);
}
