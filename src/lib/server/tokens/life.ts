import { TOKEN_REFRESH_WINDOW_FRACTION } from '$lib/timings';
import type { Account } from '../db/schema';
import type { AccountKey } from './account-key';

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
 * True when a token with this life should be refreshed at `now` (epoch ms): it is inside its
 * refresh window, the smaller of `skewMs` and a share of its lifetime
 * (`TOKEN_REFRESH_WINDOW_FRACTION`), so a token is never due the moment it is issued.
 */
export function isRefreshDue({ expiresAt, issuedAt }: TokenLife, skewMs: number, now: number) {
	if (expiresAt === null) return false;
	const lifetimeMs = issuedAt == null ? Infinity : (expiresAt - issuedAt) * 1000;
	const windowMs = Math.min(skewMs, lifetimeMs * TOKEN_REFRESH_WINDOW_FRACTION);
	return expiresAt * 1000 - windowMs <= now;
}

/** True when a token with this expiry can no longer be used at `now` (epoch ms). */
export function isExpiredAt({ expiresAt }: TokenLife, now: number): boolean {
	return expiresAt !== null && expiresAt * 1000 <= now;
}

/** The life of a stored token. */
export function lifeOf(row: Pick<Account, 'expires_at' | 'tokenIssuedAt'>): TokenLife {
	return { expiresAt: row.expires_at, issuedAt: row.tokenIssuedAt };
}
