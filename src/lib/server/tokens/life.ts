import { createHash } from 'node:crypto';
import { TOKEN_REFRESH_SPREAD, TOKEN_REFRESH_WINDOW_FRACTION } from '$lib/timings';
import type { Account } from '../db/schema';
import { accountKeyId, type AccountKey } from './account-key';

/** When an access token was issued and when it expires, in seconds since the epoch. */
export interface TokenLife {
	/** Null when the token does not expire (nothing to rotate). */
	expiresAt: number | null;
	/** Null when unknown (tokens stored before it was recorded): the skew alone applies. */
	issuedAt?: number | null;
}

/** An account as the session cookie carries it: a reference and its access token's life. */
export interface SessionAccount extends AccountKey, TokenLife {}

/**
 * True when the account's token should be refreshed at `now` (epoch ms): it has reached its
 * account's point (`refreshPoint`) of its refresh window, the smaller of `skewMs` and a share of
 * its lifetime (`TOKEN_REFRESH_WINDOW_FRACTION`), so a token is never due the moment it is issued.
 */
export function isRefreshDue(account: AccountKey & TokenLife, skewMs: number, now: number) {
	const { expiresAt, issuedAt } = account;
	if (expiresAt === null) return false;
	const lifetimeMs = issuedAt == null ? Infinity : (expiresAt - issuedAt) * 1000;
	const windowMs = Math.min(skewMs, lifetimeMs * TOKEN_REFRESH_WINDOW_FRACTION);
	// Note: most requests come before the window; they need no hash of the account key.
	if (now < expiresAt * 1000 - windowMs) return false;
	return expiresAt * 1000 - windowMs * (1 - refreshPoint(account)) <= now;
}

/**
 * How far into its refresh window the account's token falls due, as a share of the window in
 * [0, `TOKEN_REFRESH_SPREAD`): from a hash of the account key, so spread evenly over accounts and
 * the same on every instance and every request.
 */
export function refreshPoint(key: AccountKey): number {
	const hash = createHash('sha256').update(accountKeyId(key)).digest();
	return (hash.readUInt32BE(0) / 2 ** 32) * TOKEN_REFRESH_SPREAD;
}

/** True when a token with this expiry can no longer be used at `now` (epoch ms). */
export function isExpiredAt({ expiresAt }: TokenLife, now: number): boolean {
	return expiresAt !== null && expiresAt * 1000 <= now;
}

/** The life of a stored token. */
export function lifeOf(row: Pick<Account, 'expires_at' | 'tokenIssuedAt'>): TokenLife {
	return { expiresAt: row.expires_at, issuedAt: row.tokenIssuedAt };
}
