import { and, eq } from 'drizzle-orm';
import { PROVIDER_REVOCATION_TIMEOUT_MS } from '$lib/timings';
import type { Database } from '../../db';
import { accounts } from '../../db/schema';
import type { IssuedTokens } from '../../providers/refresh';
import { revokeAtProvider } from '../../providers/revoke';
import type { ProviderSettings } from '../../providers/settings';
import type { AccountKey } from '../account-key';

/**
 * An answer whose store was refused is dropped. When the account was forgotten meanwhile (the
 * user signed out of their last session, or unlinked it), the new tokens are revoked at the
 * provider too: nothing will ever use them, and the user asked for the grant to end. When another
 * refresh took the lease over instead, they are only dropped: revoking could end the grant that
 * refresh stored. True when they were revoked.
 */
export async function dropOrphanedAnswer(
	db: Database,
	key: AccountKey,
	tokens: IssuedTokens,
	settings: ProviderSettings
): Promise<boolean> {
	const [row] = await db
		.select({ accessToken: accounts.access_token, refreshToken: accounts.refresh_token })
		.from(accounts)
		.where(
			and(
				eq(accounts.provider, key.provider),
				eq(accounts.providerAccountId, key.providerAccountId)
			)
		);
	const forgotten = row === undefined || (row.accessToken === null && row.refreshToken === null);
	if (!forgotten) return false;
	return revokeAtProvider(
		settings,
		{ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? null },
		PROVIDER_REVOCATION_TIMEOUT_MS
	);
}
