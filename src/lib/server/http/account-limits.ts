import { ACCOUNT_ACTION_LIMIT, ACCOUNT_ACTION_WINDOW_SECONDS } from '$lib/timings';
import { readWholeNumber, type Env } from '../config/env';
import { db } from '../db';
import { RateLimiter } from './rate-limit';

/** The account actions with a limit per session: each one can be repeated by a script. */
export type AccountAction = 'refresh-tokens' | 'revoke-sessions';

/**
 * One allowed use of an account action, to `refund` when it changed nothing (no session
 * revoked, no token refreshed): only what an action did counts against the limit.
 */
export type AccountActionCharge =
	{ allowed: true; refund: () => Promise<void> } | { allowed: false; error: string };

let limiters: Record<AccountAction, RateLimiter> | null = null;

/** Sets the per-session limit on account actions from env, once per process (at start-up). */
export function configureAccountLimits(env: Env): void {
	const limit = readWholeNumber(env, 'AUTH_ACTION_RATE_LIMIT', ACCOUNT_ACTION_LIMIT);
	const windowMs = ACCOUNT_ACTION_WINDOW_SECONDS * 1000;
	limiters = {
		'refresh-tokens': new RateLimiter({ name: 'refresh-tokens', limit, windowMs }),
		'revoke-sessions': new RateLimiter({ name: 'revoke-sessions', limit, windowMs })
	};
}

/**
 * Counts one `action` by the session `sessionId`, shared by every instance, or refuses it with
 * the message to show, saying when to try again. The limit is per session, not per user: a
 * copied cookie's session spends its own budget, never its victim's.
 */
export async function chargeAccountAction(
	action: AccountAction,
	sessionId: string
): Promise<AccountActionCharge> {
	const limiter = limiters?.[action];
	if (limiter === undefined) return { allowed: true, refund: async () => {} };
	const decision = await limiter.hit(db, sessionId);
	if (decision.allowed) return { allowed: true, refund: () => limiter.refund(db, sessionId) };
	const wait = decision.retryAfterSeconds;
	return {
		allowed: false,
		error: `Too many attempts. Try again in ${wait === 1 ? '1 second' : `${wait} seconds`}.`
	};
}
