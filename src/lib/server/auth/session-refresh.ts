import type { JWT } from '@auth/core/jwt';
import type { SessionError } from '$lib/auth/types';
import type { TokenRotator } from './rotation';

/**
 * Called by the jwt callback on every `locals.auth()`. Refreshes the accounts whose access token
 * expires within the skew; for every other request it costs no query and no network call.
 * A definitive refusal flags the session with `RefreshTokenError`; an account unlinked since
 * (from another browser) leaves the session; an outage changes nothing, so the next request
 * tries again.
 */
export async function refreshSessionAccounts(token: JWT, rotator: TokenRotator): Promise<JWT> {
	if (!needsRefresh(token, rotator)) return token;
	const accounts = token.accounts ?? [];
	let error: SessionError | undefined;
	const refreshed = await Promise.all(
		accounts.map(async (account) => {
			if (!rotator.isExpiring(account.expiresAt)) return account;
			const outcome = await rotator.refreshSessionAccount(account);
			if (outcome.status === 'rejected') error = 'RefreshTokenError';
			if (outcome.status === 'unlinked') return null;
			if (outcome.status === 'fresh' || outcome.status === 'rotated') {
				return { ...account, expiresAt: outcome.expiresAt };
			}
			return account;
		})
	);
	const linked = refreshed.filter((account) => account !== null);
	// Note: with every account gone there is nothing left to sign in with.
	if (linked.length === 0) error = 'RefreshTokenError';
	return { ...token, accounts: linked, ...(error !== undefined && { error }) };
}

/** True when some account's access token expires within the skew, in a session still usable. */
export function needsRefresh(token: JWT, rotator: TokenRotator): boolean {
	if (token.error !== undefined) return false;
	return (token.accounts ?? []).some((account) => rotator.isExpiring(account.expiresAt));
}
