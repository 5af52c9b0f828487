import type { Account } from '../../db/schema';
import { accountKeyId, type AccountKey } from '../account-key';

/** An answer as it will be stored: sealed tokens and their life. */
export type SealedAnswer = Partial<Account> & Pick<Account, 'expires_at' | 'tokenIssuedAt'>;

/** How a kept answer's store ended. */
export type StoreOutcome =
	| 'stored'
	/** The conditional store matched no row: the lease was taken over, or the tokens forgotten. */
	| 'refused'
	/** The database stayed unreachable past the refresh's hard limit. */
	| 'abandoned';

// Retrying a store: first after this long, then doubling up to the cap.
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;

/**
 * Runs `store` (a conditional store that is true when it stored) until it stores or refuses, or
 * until `deadline` (epoch ms) passes; a database error is retried with backoff.
 */
export async function storeWithRetries(
	store: () => Promise<boolean>,
	deadline: number,
	now: () => number
): Promise<StoreOutcome> {
	let pause = FIRST_RETRY_MS;
	for (;;) {
		try {
			return (await store()) ? 'stored' : 'refused';
		} catch {
			// Note: an unreachable database; the lease keeper renews the lease meanwhile.
		}
		if (now() + pause > deadline) return 'abandoned';
		await new Promise((resolve) => setTimeout(resolve, pause));
		pause = Math.min(pause * 2, MAX_RETRY_MS);
	}
}

/**
 * Provider answers that this process holds but could not store yet (the database was down), by
 * account: sealed exactly as they will be stored, so only the key ring can read them. Requests in
 * this process use them meanwhile, and shutdown waits for their stores.
 */
export class KeptAnswers {
	readonly #kept = new Map<string, { update: SealedAnswer; storing: Promise<unknown> }>();

	/** The sealed tokens kept for `key`, or null when none wait to be stored. */
	find(key: AccountKey): SealedAnswer | null {
		return this.#kept.get(accountKeyId(key))?.update ?? null;
	}

	/** Keeps `update` for `key` until `storing` settles. */
	keep(key: AccountKey, update: SealedAnswer, storing: Promise<unknown>): void {
		const id = accountKeyId(key);
		const entry = { update, storing };
		this.#kept.set(id, entry);
		void storing.finally(() => {
			if (this.#kept.get(id) === entry) this.#kept.delete(id);
		});
	}

	/** Resolves once every kept answer's store has ended. */
	async settled(): Promise<void> {
		await Promise.allSettled([...this.#kept.values()].map(({ storing }) => storing));
	}
}
