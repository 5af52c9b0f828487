import { ACCOUNT_ACTION_LIMIT, ACCOUNT_ACTION_WINDOW_SECONDS } from '$lib/timings';
import { readWholeNumber, type Env } from '../config/env';
import { db } from '../db';
import { RateLimiter } from './rate-limit';

/** The account actions with a per-user limit: each one can be repeated by a script. */
export type AccountAction = 'refresh-tokens' | 'revoke-sessions';

let limiters: Record<AccountAction, RateLimiter> | null = null;

/** Sets the per-user limit on account actions from env, once per process (at start-up). */
export function configureAccountLimits(env: Env): void {
	const limit = readWholeNumber(env, 'AUTH_ACTION_RATE_LIMIT', ACCOUNT_ACTION_LIMIT);
	const windowMs = ACCOUNT_ACTION_WINDOW_SECONDS * 1000;
	limiters = {
		'refresh-tokens': new RateLimiter({ name: 'refresh-tokens', limit, windowMs }),
		'revoke-sessions': new RateLimiter({ name: 'revoke-sessions', limit, windowMs })
	};
}

/**
 * Counts one `action` by the user, shared by every instance. Null when it is allowed, else
 * the message to show, saying when to try again.
 */
export async function limitAccountAction(
	action: AccountAction,
	userId: string
): Promise<string | null> {
	if (limiters === null) return null;
	const decision = await limiters[action].hit(db, userId);
	if (decision.allowed) return null;
	const wait = decision.retryAfterSeconds;
	return `Too many attempts. Try again in ${wait === 1 ? '1 second' : `${wait} seconds`}.`;
}
