import { REFRESH_LEASE_MS, REFRESH_RETRY_MS } from '$lib/timings';
import { LRUCache } from 'lru-cache';
import { describeDatabaseError } from '../db/errors';
import type { Account } from '../db/schema';
import type { RequestClient } from '../http/request-client';
import { sealIssuedTokens } from './accounts';
import { refreshAtProvider } from '../providers/refresh';
import type { ProviderSettings } from '../providers/settings';
import { claimRefresh, settleRefresh, waitForRelease, type AccountKey } from './lease';
import { isExpiredAt, isRefreshDue, lifeOf, type SessionAccount, type TokenLife } from './life';
import type { TokenCipher } from './cipher';

// Note: an entry only spares a database read until its token is due again; 10 000 is plenty.
const SETTLED_ACCOUNTS = 10_000;

export type RefreshOutcome =
	/** The stored access token is not due (maybe another instance just rotated it). */
	| ({ status: 'fresh' } & TokenLife)
	| ({ status: 'rotated' } & TokenLife)
	/** The provider refused the refresh token for good: the user must sign in again. */
	| { status: 'rejected' }
	/** The account is no longer linked (unlinked from another browser): nothing to refresh. */
	| { status: 'unlinked' }
	/** Provider or database unreachable: keep the session and try again on a later request. */
	| { status: 'unavailable' };

export interface RotatorOptions {
	cipher: TokenCipher;
	providers: ProviderSettings[];
	/** Refresh at most this many milliseconds before the access token expires. */
	skewMs: number;
	/** Give up on the provider, and on waiting for another refresh, after this long. */
	timeoutMs: number;
	leaseMs?: number;
	retryMs?: number;
	now?: () => number;
	log?: (line: string) => void;
}

interface RefreshRequest {
	force?: boolean;
	/** Who asked, for the audit log (null for background work that no request started). */
	client?: RequestClient | null;
}

/** The last outcome for an account in this process, and the expiry it started from. */
interface Settled {
	outcome: RefreshOutcome;
	from: number | null;
	at: number;
}

/**
 * Refreshes provider tokens so that each rotation reaches the provider exactly once, however
 * many requests, processes or instances need it at the same moment, and so that nobody waits
 * for it while their token is still valid:
 * - in one process, concurrent callers for an account share one in-flight refresh;
 * - across processes, a refresh first claims the account with a lease (one conditional UPDATE),
 *   calls the provider holding no transaction and no connection, then stores the new tokens and
 *   releases the lease in one conditional UPDATE. Others wait for the release and use the
 *   stored tokens, so a used refresh token is never sent again (`lease.ts`);
 * - a token inside its refresh window but still valid is refreshed in the background, and the
 *   process remembers each account's last outcome, so later requests pick up the new expiry
 *   (or the refusal) from memory (`requestRefresh`).
 */
export class TokenRotator {
	readonly #inFlight = new Map<string, Promise<RefreshOutcome>>();
	readonly #settled = new LRUCache<string, Settled>({ max: SETTLED_ACCOUNTS });
	readonly #options: Required<RotatorOptions>;

	constructor(options: RotatorOptions) {
		this.#options = {
			leaseMs: REFRESH_LEASE_MS,
			retryMs: REFRESH_RETRY_MS,
			now: Date.now,
			log: (line) => console.info(line),
			...options
		};
	}

	/**
	 * True when a token with this life should be refreshed: it is inside its refresh window, the
	 * smaller of the skew and a share of its lifetime (`TOKEN_REFRESH_WINDOW_FRACTION`).
	 */
	isDue(life: TokenLife): boolean {
		return isRefreshDue(life, this.#options.skewMs, this.#options.now());
	}

	/** True when a token with this expiry can no longer be used. */
	isExpired(life: TokenLife): boolean {
		return isExpiredAt(life, this.#options.now());
	}

	/**
	 * For the jwt callback, whose only knowledge is the cookie. What this process already knows
	 * answers at once. Otherwise a refresh starts; an expired token waits for it (at most the
	 * provider timeout), and a still valid one gets null: it is served as it is while the refresh
	 * runs in the background, and a later request picks up its outcome.
	 */
	async requestRefresh(
		account: SessionAccount,
		client: RequestClient | null
	): Promise<RefreshOutcome | null> {
		const known = this.#known(account);
		if (known !== null) return known;
		const flight = this.ensureFresh(account, { client });
		return this.isExpired(account) ? flight : null;
	}

	/** Makes sure the stored tokens of `key` are fresh; `force` rotates even fresh ones. */
	ensureFresh(
		key: AccountKey & Partial<TokenLife>,
		{ force = false, client = null }: RefreshRequest = {}
	): Promise<RefreshOutcome> {
		const id = accountId(key);
		let flight = this.#inFlight.get(id);
		if (flight === undefined) {
			const from = key.expiresAt ?? null;
			flight = this.#refresh(key, force, client)
				.then((outcome) => {
					this.#settled.set(id, { outcome, from, at: this.#options.now() });
					return outcome;
				})
				.finally(() => this.#inFlight.delete(id));
			this.#inFlight.set(id, flight);
		}
		return flight;
	}

	/** Resolves once every refresh under way has stored its result and released its lease. */
	async drain(): Promise<void> {
		await Promise.allSettled(this.#inFlight.values());
	}

	/** This process's last outcome for the token the cookie carries, when it still holds. */
	#known(account: SessionAccount): RefreshOutcome | null {
		const settled = this.#settled.get(accountId(account));
		if (settled === undefined) return null;
		const { outcome } = settled;
		if (outcome.status === 'fresh' || outcome.status === 'rotated') {
			return this.isDue(outcome) ? null : outcome;
		}
		// A refusal or an outage concerns the token the refresh started from, not a newer one
		// from a later sign-in; an outage is retried after a pause.
		if (settled.from !== account.expiresAt) return null;
		if (outcome.status === 'unavailable') {
			return this.#options.now() - settled.at < this.#options.retryMs ? outcome : null;
		}
		return outcome;
	}

	async #refresh(key: AccountKey, force: boolean, client: RequestClient | null) {
		const started = this.#options.now();
		const report: Report = {};
		let outcome: RefreshOutcome;
		try {
			outcome = await this.#claimAndRefresh(key, force, client, report);
		} catch (error) {
			report.detail = describeDatabaseError(error);
			outcome = { status: 'unavailable' };
		}
		this.#options.log(
			JSON.stringify({
				event: 'token_refresh',
				provider: key.provider,
				account: key.providerAccountId,
				outcome: outcome.status,
				...report,
				durationMs: this.#options.now() - started
			})
		);
		return outcome;
	}

	async #claimAndRefresh(
		key: AccountKey,
		force: boolean,
		client: RequestClient | null,
		report: Report
	): Promise<RefreshOutcome> {
		const { leaseMs, timeoutMs, now } = this.#options;
		const claim = await claimRefresh(key, leaseMs);
		if (claim.status === 'unlinked') return { status: 'unlinked' };
		if (claim.status === 'claimed') {
			try {
				return await this.#refreshClaimed(key, claim, force, client, report);
			} catch (error) {
				// Note: a lease left behind would only delay the next refresh until it runs out.
				await settleRefresh(key, claim.claimId).catch(() => {});
				throw error;
			}
		}

		// Another instance (or a refresh that died) holds the lease: use what it stores.
		report.waited = true;
		const row = await waitForRelease(key, now() + timeoutMs, now);
		if (row === null) return { status: 'unlinked' };
		if (row === 'held' || this.isDue(lifeOf(row))) return { status: 'unavailable' };
		return { status: 'fresh', ...lifeOf(row) };
	}

	async #refreshClaimed(
		key: AccountKey,
		{ claimId, row }: { claimId: string; row: Account },
		force: boolean,
		client: RequestClient | null,
		report: Report
	): Promise<RefreshOutcome> {
		const release = () => settleRefresh(key, claimId);
		const life = lifeOf(row);
		if (!force && !this.isDue(life)) {
			await release();
			return { status: 'fresh', ...life };
		}
		const settings = this.#options.providers.find(({ id }) => id === key.provider);
		if (row.refresh_token === null || settings === undefined) {
			await release();
			// Nothing to rotate with: fine while the token lasts, final once it is due.
			if (row.refresh_token !== null) return { status: 'unavailable' };
			return this.isDue(life) ? { status: 'rejected' } : { status: 'fresh', ...life };
		}

		const { cipher, timeoutMs, now } = this.#options;
		const refreshToken = await cipher.decrypt(row.refresh_token);
		const result = await refreshAtProvider(settings, refreshToken, timeoutMs, now);
		const event = { userId: row.userId, client, at: new Date(now()) };
		if (result.ok) {
			const update = await sealIssuedTokens(result.tokens, row, cipher, event.at);
			const stored = await settleRefresh(key, claimId, update, {
				...event,
				event: 'token_refreshed'
			});
			if (stored) return { status: 'rotated', ...lifeOf(update) };
			report.detail = 'lease lost: another refresh took over';
			return { status: 'unavailable' };
		}
		report.detail = result.reason;
		if (!result.definitive) {
			await release();
			return { status: 'unavailable' };
		}
		// Note: forget the dead refresh token, so that no instance ever sends it again.
		await settleRefresh(
			key,
			claimId,
			{ refresh_token: null },
			{ ...event, event: 'refresh_failed' }
		);
		return { status: 'rejected' };
	}
}

/** What the refresh log line adds besides the outcome. */
interface Report {
	detail?: string;
	/** True when another holder's lease was waited for. */
	waited?: boolean;
}

function accountId(key: AccountKey): string {
	return `${key.provider}:${key.providerAccountId}`;
}
