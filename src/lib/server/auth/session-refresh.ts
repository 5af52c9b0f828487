import type { JWT } from '@auth/core/jwt';
import type { SessionError } from '$lib/auth/types';
import type { TokenRotator } from './rotation';

/**
 * Called by the jwt callback on every `locals.auth()`. Refreshes the accounts whose access token
 * expires within the skew; for every other request it costs no query and no network call.
 * A definitive refusal flags the session with `RefreshTokenError`; an outage changes nothing,
 * so the next request tries again.
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
			if (outcome.status === 'fresh' || outcome.status === 'rotated') {
				return { ...account, expiresAt: outcome.expiresAt };
			}
			return account;
		})
	);
	return { ...token, accounts: refreshed, ...(error !== undefined && { error }) };
}

/** True when some account's access token expires within the skew, in a session still usable. */
export function needsRefresh(token: JWT, rotator: TokenRotator): boolean {
	if (token.error !== undefined) return false;
	return (token.accounts ?? []).some((account) => rotator.isExpiring(account.expiresAt));
}
