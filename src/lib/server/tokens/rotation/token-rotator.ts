import { LRUCache } from 'lru-cache';
import {
	REFRESH_HARD_LIMIT_MS,
	REFRESH_LEASE_MS,
	REFRESH_RETRY_MS,
	REFRESH_SHUTDOWN_WAIT_MS
} from '$lib/timings';
import type { DatabaseConnection } from '../../db';
import type { RequestClient } from '../../http/request-client';
import type { ProviderSettings } from '../../providers/settings';
import { accountKeyId, type AccountKey } from '../account-key';
import type { TokenCipher } from '../cipher';
import { isExpiredAt, isRefreshDue, lifeOf, type SessionAccount, type TokenLife } from '../life';
import { ReleaseSignal } from './lease';
import {
	KeptAnswers,
	refreshUnderLease,
	type RefreshContext,
	type RefreshOutcome,
	type RefreshRequest
} from './refresh';

export interface RotatorOptions {
	/** Where the tokens and their leases are stored; NOTIFY, where it has it, wakes waiters. */
	database: Pick<DatabaseConnection, 'db' | 'notify' | 'subscribe'>;
	cipher: TokenCipher;
	providers: ProviderSettings[];
	/** Refresh at most this many milliseconds before the access token expires. */
	skewMs: number;
	/** How long a request waits for a refresh (the refresh goes on). */
	timeoutMs: number;
	/** How long a refresh waits for the provider's answer, and retries storing it. */
	hardLimitMs?: number;
	leaseMs?: number;
	retryMs?: number;
	/** How long `drain` waits at most. */
	drainMs?: number;
	now?: () => number;
	log?: (line: string) => void;
}

const UNAVAILABLE: RefreshOutcome = { status: 'unavailable' };

/**
 * Refreshes provider tokens so that each rotation reaches the provider exactly once, however
 * many requests, processes or instances need it at the same moment, so that nobody waits for it
 * while their token is still valid, and so that an answer the provider gave is never lost:
 * - in one process, concurrent callers for an account share one in-flight refresh;
 * - across processes, a refresh first claims the account with a lease, calls the provider
 *   holding no transaction and no connection, then stores the new tokens and releases the lease.
 *   Others wait for the release and use the stored tokens, so a used refresh token is never sent
 *   again (`refreshUnderLease`);
 * - a request waits at most `timeoutMs`; the refresh itself waits for the provider up to the
 *   hard limit with its lease renewed, and an answer the database cannot take yet is kept in
 *   memory and used here until it is stored (`KeptAnswers`);
 * - one policy decides for the session and for server code's access tokens alike: a token
 *   inside its refresh window but still valid is refreshed in the background, and only one that
 *   cannot be used waits (`refreshAsNeeded`); the process remembers each account's last outcome,
 *   so later requests pick up the new expiry (or the refusal) from memory (`requestRefresh`,
 *   `SettledRefreshes`).
 */
export class TokenRotator {
	readonly #inFlight = new Map<string, Promise<RefreshOutcome>>();
	readonly #settled: SettledRefreshes;
	readonly #kept = new KeptAnswers();
	readonly #context: RefreshContext;
	readonly #skewMs: number;
	readonly #drainMs: number;

	constructor({
		skewMs,
		retryMs = REFRESH_RETRY_MS,
		drainMs = REFRESH_SHUTDOWN_WAIT_MS,
		database,
		...options
	}: RotatorOptions) {
		this.#skewMs = skewMs;
		this.#drainMs = drainMs;
		const now = options.now ?? Date.now;
		const isDue = (account: AccountKey & TokenLife) => this.isDue(account);
		this.#context = {
			leaseMs: REFRESH_LEASE_MS,
			hardLimitMs: REFRESH_HARD_LIMIT_MS,
			log: (line) => console.info(line),
			...options,
			db: database.db,
			releases: new ReleaseSignal(database),
			kept: this.#kept,
			now,
			isDue
		};
		this.#settled = new SettledRefreshes({ retryMs, now, isDue });
	}

	/**
	 * True when the account's token should be refreshed: it has reached the account's own point
	 * of its refresh window, the smaller of the skew and a share of its lifetime (`isRefreshDue`).
	 */
	isDue(account: AccountKey & TokenLife): boolean {
		return isRefreshDue(account, this.#skewMs, this.#context.now());
	}

	/** True when a token with this expiry can no longer be used. */
	isExpired(life: TokenLife): boolean {
		return isExpiredAt(life, this.#context.now());
	}

	/**
	 * The refresh policy, for the session and for server code's access tokens alike: a token that
	 * cannot be used as it is (expired, or `mustWait`: forced, unreadable, missing) waits for its
	 * refresh, at most the request wait; one that is due but still valid is used as it is while
	 * one background refresh renews it (its outcome is remembered); any other needs nothing. Null
	 * when the caller goes on with the token it has.
	 */
	refreshAsNeeded(
		key: AccountKey & TokenLife,
		{ client = null, force = false, mustWait = false }: RefreshRequest & { mustWait?: boolean } = {}
	): Promise<RefreshOutcome> | null {
		if (force || mustWait || this.isExpired(key)) return this.ensureFresh(key, { force, client });
		if (this.isDue(key)) void this.ensureFresh(key, { client });
		return null;
	}

	/**
	 * True when the refresh policy leaves `account` as the cookie has it: its token is not due, or
	 * it is due but still valid and this process knows no outcome newer than the cookie, so that a
	 * background refresh renews it (`refreshAsNeeded`) and the request goes on with it. False when
	 * the claims must change: an expired token waits for its refresh, or a remembered outcome brings
	 * a new expiry, a refusal or an unlinked account.
	 */
	leavesAsItIs(account: SessionAccount): boolean {
		if (!this.isDue(account)) return true;
		return !this.isExpired(account) && this.#settled.recall(account) === null;
	}

	/**
	 * `refreshAsNeeded` for the jwt callback, whose only knowledge is the cookie: what this
	 * process already knows of the account (a refresh that ended since the cookie was written)
	 * answers first, and a later request picks up a background refresh's outcome the same way.
	 */
	async requestRefresh(
		account: SessionAccount,
		client: RequestClient | null
	): Promise<RefreshOutcome | null> {
		return this.#settled.recall(account) ?? this.refreshAsNeeded(account, { client });
	}

	/**
	 * Makes sure the stored tokens of `key` are fresh; `force` rotates even fresh ones. Callers
	 * for the same account share the refresh under way and wait for it at most `timeoutMs`
	 * (`unavailable` then, while it goes on); its outcome is remembered for the expiry `key`
	 * carries. An answer kept in memory until the database takes it counts as rotated.
	 */
	ensureFresh(
		key: AccountKey & Partial<TokenLife>,
		request: RefreshRequest = {}
	): Promise<RefreshOutcome> {
		const kept = this.#kept.find(key);
		if (kept !== null) return Promise.resolve({ status: 'rotated', ...lifeOf(kept) });
		const id = accountKeyId(key);
		let flight = this.#inFlight.get(id);
		if (flight === undefined) {
			const from = key.expiresAt ?? null;
			flight = refreshUnderLease(key, request, this.#context)
				.then((outcome) => {
					this.#settled.remember(key, from, outcome);
					return outcome;
				})
				.finally(() => this.#inFlight.delete(id));
			this.#inFlight.set(id, flight);
		}
		return within(flight, this.#context.timeoutMs, UNAVAILABLE);
	}

	/**
	 * The sealed tokens of an answer that this process holds until the database takes it, to be
	 * used instead of the stored row meanwhile; null when there is none for `key`.
	 */
	keptTokens(key: AccountKey) {
		return this.#kept.find(key);
	}

	/**
	 * Resolves once every refresh under way has stored its result and released its lease, and
	 * every kept answer is stored, or after `drainMs` at the latest (shutdown).
	 */
	async drain(): Promise<void> {
		const all = (async () => {
			await Promise.allSettled(this.#inFlight.values());
			await this.#kept.settled();
		})();
		await within(all, this.#drainMs, undefined);
	}
}

/** `work`'s result, or `otherwise` when it takes longer than `ms`; `work` goes on either way. */
function within<T>(work: Promise<T>, ms: number, otherwise: T): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<T>((resolve) => (timer = setTimeout(resolve, ms, otherwise)));
	return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

// Note: an entry only spares a database read until its token is due again; 10 000 is plenty.
const SETTLED_ACCOUNTS = 10_000;

/** The last outcome for an account, the expiry its refresh started from, and when it ended. */
interface Settled {
	outcome: RefreshOutcome;
	from: number | null;
	at: number;
}

interface RecallRules {
	/** After an outage, how long the outcome stands before the account is tried again. */
	retryMs: number;
	now: () => number;
	/** True when the account's token has reached its point of its refresh window now. */
	isDue: (account: AccountKey & TokenLife) => boolean;
}

/**
 * This process's last refresh outcome for each account (a bounded LRU). The requests that arrive
 * just after a refresh still carry the old expiry in their cookie: they are answered from here,
 * with no database read, for as long as the answer still holds.
 */
export class SettledRefreshes {
	readonly #settled = new LRUCache<string, Settled>({ max: SETTLED_ACCOUNTS });
	readonly #rules: RecallRules;

	constructor(rules: RecallRules) {
		this.#rules = rules;
	}

	/** Records how the refresh of `key` that started from expiry `from` ended. */
	remember(key: AccountKey, from: number | null, outcome: RefreshOutcome): void {
		this.#settled.set(accountKeyId(key), { outcome, from, at: this.#rules.now() });
	}

	/**
	 * The last outcome for the token the cookie carries, when it still holds: a fresh or rotated
	 * token until it is due again; a refusal for the very token its refresh started from (a later
	 * sign-in brings a newer one); an outage for `retryMs`, after which the account is tried again.
	 */
	recall(account: SessionAccount): RefreshOutcome | null {
		const settled = this.#settled.get(accountKeyId(account));
		if (settled === undefined) return null;
		const { outcome } = settled;
		if (outcome.status === 'fresh' || outcome.status === 'rotated') {
			return this.#rules.isDue({ ...account, ...outcome }) ? null : outcome;
		}
		if (settled.from !== account.expiresAt) return null;
		if (outcome.status === 'unavailable') {
			return this.#rules.now() - settled.at < this.#rules.retryMs ? outcome : null;
		}
		return outcome;
	}
}
