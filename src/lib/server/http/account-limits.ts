import type { Database } from '../db';
import { RateLimiter, type RateLimitRule } from './rate-limit';

/** The account actions with a limit per session: each one can be repeated by a script. */
export type AccountAction = 'refresh-tokens' | 'revoke-sessions';

/**
 * One allowed use of an account action, to `refund` when it changed nothing (no session
 * revoked, no token refreshed): only what an action did counts against the limit.
 */
export type AccountActionCharge =
	{ allowed: true; refund: () => Promise<void> } | { allowed: false; error: string };

/** The per-session limits on account actions, kept in the database `db`. */
export class AccountLimits {
	readonly #db: Database;
	readonly #limiters: Record<AccountAction, RateLimiter>;

	constructor(db: Database, rule: Omit<RateLimitRule, 'name'>) {
		this.#db = db;
		this.#limiters = {
			'refresh-tokens': new RateLimiter({ name: 'refresh-tokens', ...rule }),
			'revoke-sessions': new RateLimiter({ name: 'revoke-sessions', ...rule })
		};
	}

	/**
	 * Counts one `action` by the session `sessionId`, shared by every instance, or refuses it
	 * with the message to show, saying when to try again. The limit is per session, not per user:
	 * a copied cookie's session spends its own budget, never its victim's.
	 */
	async charge(action: AccountAction, sessionId: string): Promise<AccountActionCharge> {
		const limiter = this.#limiters[action];
		const decision = await limiter.hit(this.#db, sessionId);
		if (decision.allowed) {
			return { allowed: true, refund: () => limiter.refund(this.#db, sessionId) };
		}
		const wait = decision.retryAfterSeconds;
		return {
			allowed: false,
			error: `Too many attempts. Try again in ${wait === 1 ? '1 second' : `${wait} seconds`}.`
		};
	}
}
