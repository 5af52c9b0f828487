import type { JWT } from '@auth/core/jwt';
import type { SessionError } from '$lib/auth/types';
import type { RequestClient } from '../http/request-client';
import type { TokenRotator } from './rotation/token-rotator';

/**
 * Called by the jwt callback on every `locals.auth()`. For each account whose access token is
 * inside its refresh window: a still valid token is served as it is while one background refresh
 * renews it (a later request picks up the new expiry); an expired one waits for the refresh, at
 * most the provider timeout. A definitive refusal flags the session with `RefreshTokenError`; an
 * account unlinked since (from another browser) leaves the session; an outage changes nothing,
 * so a later request tries again. Outside the window it costs no query and no network call.
 */
export async function renewDueAccounts(
	token: JWT,
	rotator: TokenRotator,
	client: RequestClient | null
): Promise<JWT> {
	if (!needsRefresh(token, rotator)) return token;
	const accounts = token.accounts ?? [];
	let error: SessionError | undefined;
	const refreshed = await Promise.all(
		accounts.map(async (account) => {
			if (!rotator.isDue(account)) return account;
			const outcome = await rotator.requestRefresh(account, client);
			if (outcome?.status === 'rejected') error = 'RefreshTokenError';
			if (outcome?.status === 'unlinked') return null;
			// Its tokens are gone (sealed under a removed secret, or lost to an unknown fate): nothing is
			// due until a sign-in with that provider stores new ones (/connections offers Reconnect).
			if (outcome?.status === 'forgotten' || outcome?.status === 'lost') {
				return { ...account, expiresAt: null, issuedAt: null };
			}
			if (outcome?.status === 'fresh' || outcome?.status === 'rotated') {
				return { ...account, expiresAt: outcome.expiresAt, issuedAt: outcome.issuedAt };
			}
			return account;
		})
	);
	const linked = refreshed.filter((account) => account !== null);
	// Note: with every account gone there is nothing left to sign in with.
	if (linked.length === 0) error = 'RefreshTokenError';
	return { ...token, accounts: linked, ...(error !== undefined && { error }) };
}

/**
 * True when the refresh policy leaves every account of the session as the cookie has it (see
 * `TokenRotator.leavesAsItIs`): none is due, or those due are still valid and renewed in the
 * background (`renewInBackground`). A session flagged `RefreshTokenError` refreshes nothing.
 */
export function leavesAccountsAsTheyAre(token: JWT, rotator: TokenRotator): boolean {
	if (token.error !== undefined) return true;
	return (token.accounts ?? []).every((account) => rotator.leavesAsItIs(account));
}

/**
 * For a session whose accounts the refresh policy leaves as they are: starts the background
 * refresh of each one that is due (`refreshAsNeeded`, which joins one under way and leaves the
 * others alone), for `client()`, asked only when one is due.
 */
export function renewInBackground(
	token: JWT,
	rotator: TokenRotator,
	client: () => RequestClient | null
): void {
	if (!needsRefresh(token, rotator)) return;
	const requestClient = client();
	for (const account of token.accounts ?? []) {
		void rotator.refreshAsNeeded(account, { client: requestClient });
	}
}

/** True when some account's access token is inside its refresh window, in a usable session. */
function needsRefresh(token: JWT, rotator: TokenRotator): boolean {
	if (token.error !== undefined) return false;
	return (token.accounts ?? []).some((account) => rotator.isDue(account));
}
