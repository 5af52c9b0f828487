import { and, eq } from 'drizzle-orm';
import type { ProviderId } from '$lib/auth/types';
import { db } from '../db';
import { describeDatabaseError } from '../db/errors';
import { recordAuditEvent } from '../audit';
import { BoundedCache } from '../bounded-cache';
import { accounts, type Account } from '../db/schema';
import { refreshAtProvider, type IssuedTokens } from './provider-refresh';
import type { ProviderSettings } from './providers';
import { currentClient } from '../request-client';
import type { TokenCipher } from './token-crypto';

// Note: an entry only spares a database read until its token expires; 10 000 is plenty.
const SETTLED_ACCOUNTS = 10_000;

/** Which account a session refers to: the key of its `accounts` row. */
export interface AccountKey {
	provider: ProviderId;
	providerAccountId: string;
}

/** An account as the session cookie carries it: a reference and the access token's expiry. */
export interface SessionAccount extends AccountKey {
	/** Seconds since the epoch; null when the token does not expire (nothing to rotate). */
	expiresAt: number | null;
}

export type RefreshOutcome =
	/** The stored access token is valid beyond the skew (maybe another instance just rotated it). */
	| { status: 'fresh'; expiresAt: number | null }
	| { status: 'rotated'; expiresAt: number | null }
	/** The provider refused the refresh token for good: the user must sign in again. */
	| { status: 'rejected' }
	/** The account is no longer linked (unlinked from another browser): nothing to refresh. */
	| { status: 'unlinked' }
	/** Provider or database unreachable: keep the session and try again on a later request. */
	| { status: 'unavailable' };

export interface RotatorOptions {
	cipher: TokenCipher;
	providers: ProviderSettings[];
	/** Refresh when the access token expires within this many milliseconds. */
	skewMs: number;
	/** Give up on the provider after this many milliseconds. */
	timeoutMs: number;
	now?: () => number;
	log?: (line: string) => void;
}

/**
 * Refreshes provider tokens so that each rotation reaches the provider exactly once, however
 * many requests, processes or instances need it at the same moment:
 * - in one process, concurrent callers for an account share one in-flight refresh;
 * - across processes, the refresh runs in a transaction holding `SELECT … FOR UPDATE` on the
 *   account row, and re-reads the row after taking the lock, so an instance that waited uses
 *   the tokens the winner stored instead of sending the (now dead) refresh token again;
 * - a process remembers the expiry that each account's last refresh left, so that requests
 *   arriving just after a rotation, still carrying the old expiry in their cookie, are answered
 *   from memory instead of queueing one by one on the row lock (`refreshSessionAccount`).
 */
export class TokenRotator {
	readonly #inFlight = new Map<string, Promise<RefreshOutcome>>();
	readonly #settled = new BoundedCache<string, number | null>(SETTLED_ACCOUNTS);
	readonly #options: Required<RotatorOptions>;

	constructor(options: RotatorOptions) {
		this.#options = {
			now: Date.now,
			log: (line) => console.info(line),
			...options
		};
	}

	/**
	 * True when an access token with this expiry (seconds since the epoch) should be refreshed:
	 * it expires within the skew (or, with `skewMs` 0, has expired).
	 */
	isExpiring(expiresAt: number | null, skewMs = this.#options.skewMs): boolean {
		if (expiresAt === null) return false;
		return expiresAt * 1000 - skewMs <= this.#options.now();
	}

	/**
	 * For the jwt callback, whose only knowledge is the expiry in the cookie: when a refresh in
	 * this process already left the account fresh, that answers without the database.
	 */
	refreshSessionAccount(account: SessionAccount): Promise<RefreshOutcome> {
		const settled = this.#settled.get(accountId(account));
		if (settled !== undefined && !this.isExpiring(settled)) {
			return Promise.resolve({ status: 'fresh', expiresAt: settled });
		}
		return this.ensureFresh(account);
	}

	/** Makes sure the stored tokens of `key` are fresh; `force` rotates even fresh ones. */
	ensureFresh(key: AccountKey, { force = false } = {}): Promise<RefreshOutcome> {
		const id = accountId(key);
		let flight = this.#inFlight.get(id);
		if (flight === undefined) {
			flight = this.#refreshUnderLock(key, force)
				.then((outcome) => {
					if (outcome.status === 'fresh' || outcome.status === 'rotated') {
						this.#settled.set(id, outcome.expiresAt);
					} else {
						this.#settled.delete(id);
					}
					return outcome;
				})
				.finally(() => this.#inFlight.delete(id));
			this.#inFlight.set(id, flight);
		}
		return flight;
	}

	async #refreshUnderLock(key: AccountKey, force: boolean): Promise<RefreshOutcome> {
		const started = this.#options.now();
		let outcome: RefreshOutcome;
		let detail: string | undefined;
		let refusedFor: string | undefined;
		try {
			outcome = await db.transaction(async (tx) => {
				const [row] = await tx.select().from(accounts).where(matches(key)).for('update');
				if (row === undefined) return { status: 'unlinked' };
				if (!force && !this.isExpiring(row.expires_at)) {
					return { status: 'fresh', expiresAt: row.expires_at };
				}
				if (row.refresh_token === null) {
					// Nothing to rotate with: fine while the token lasts, final once it has expired.
					return this.isExpiring(row.expires_at)
						? { status: 'rejected' }
						: { status: 'fresh', expiresAt: row.expires_at };
				}
				const settings = this.#options.providers.find(({ id }) => id === key.provider);
				if (settings === undefined) return { status: 'unavailable' };

				const refreshToken = await this.#options.cipher.decrypt(row.refresh_token);
				const result = await refreshAtProvider(
					settings,
					refreshToken,
					this.#options.timeoutMs,
					this.#options.now
				);
				if (result.ok) {
					const rotatedAt = new Date(this.#options.now());
					const update = await sealIssuedTokens(
						result.tokens,
						row,
						this.#options.cipher,
						rotatedAt
					);
					await tx.update(accounts).set(update).where(matches(key));
					// Note: in the transaction, so the log never shows a rotation that did not commit.
					await recordAuditEvent(row.userId, 'token_refreshed', currentClient(), key.provider, {
						database: tx,
						at: rotatedAt
					});
					return { status: 'rotated', expiresAt: result.tokens.expiresAt };
				}
				detail = result.reason;
				if (!result.definitive) return { status: 'unavailable' };
				// Note: forget the dead refresh token, so that no instance ever sends it again.
				await tx.update(accounts).set({ refresh_token: null }).where(matches(key));
				refusedFor = row.userId;
				return { status: 'rejected' };
			});
			if (refusedFor !== undefined) {
				await recordAuditEvent(refusedFor, 'refresh_failed', currentClient(), key.provider);
			}
		} catch (error) {
			detail = describeDatabaseError(error);
			outcome = { status: 'unavailable' };
		}
		this.#options.log(
			JSON.stringify({
				event: 'token_refresh',
				provider: key.provider,
				account: key.providerAccountId,
				outcome: outcome.status,
				...(detail !== undefined && { detail }),
				durationMs: this.#options.now() - started
			})
		);
		return outcome;
	}
}

/** The row update for freshly issued tokens, encrypted; what the provider omitted is kept. */
async function sealIssuedTokens(
	tokens: IssuedTokens,
	row: Account,
	cipher: TokenCipher,
	rotatedAt: Date
) {
	return {
		access_token: await cipher.encrypt(tokens.accessToken),
		// Note: a provider that returns no new refresh token keeps the old one valid.
		refresh_token:
			tokens.refreshToken === undefined
				? row.refresh_token
				: await cipher.encrypt(tokens.refreshToken),
		id_token: tokens.idToken === undefined ? row.id_token : await cipher.encrypt(tokens.idToken),
		expires_at: tokens.expiresAt,
		scope: tokens.scope ?? row.scope,
		token_type: tokens.tokenType,
		rotatedAt
	};
}

function accountId(key: AccountKey): string {
	return `${key.provider}:${key.providerAccountId}`;
}

function matches(key: AccountKey) {
	return and(
		eq(accounts.provider, key.provider),
		eq(accounts.providerAccountId, key.providerAccountId)
	);
}
