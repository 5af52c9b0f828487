import { LRUCache } from 'lru-cache';

export interface RateLimitOptions {
	/** Requests allowed per key within any window of `windowMs`. */
	limit: number;
	windowMs: number;
	/** How many keys (e.g. IP addresses) to track; the least recently seen are forgotten. */
	maxKeys?: number;
	now?: () => number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A sliding-window rate limiter kept in memory: each key keeps the times of its last `limit`
 * requests, and a request is allowed when fewer than `limit` fall within the window. Note: per
 * process; several instances each allow `limit`, which still bounds an attacker per instance.
 */
export class SlidingWindowLimiter {
	readonly #hits: LRUCache<string, number[]>;
	readonly #options: Required<RateLimitOptions>;

	constructor(options: RateLimitOptions) {
		this.#options = { maxKeys: 10_000, now: Date.now, ...options };
		this.#hits = new LRUCache({ max: this.#options.maxKeys });
	}

	/** Counts one request for `key`, unless it is over the limit. */
	hit(key: string): RateLimitDecision {
		const { limit, windowMs, now } = this.#options;
		const time = now();
		const recent = (this.#hits.get(key) ?? []).filter((at) => at > time - windowMs);
		if (recent.length >= limit) {
			this.#hits.set(key, recent);
			const retryAfterMs = recent[0]! + windowMs - time;
			return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
		}
		recent.push(time);
		this.#hits.set(key, recent);
		return { allowed: true };
	}
}
