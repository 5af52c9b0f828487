import { LRUCache } from 'lru-cache';
import { accountKeyId, type AccountKey } from '../account-key';
import type { RefreshOutcome } from './types';
import type { SessionAccount, TokenLife } from '../life';

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
