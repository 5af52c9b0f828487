import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { rateLimits } from '../db/schema';
import { countRateLimited, declareRateLimit } from '../metrics/rate-limits';

export interface RateLimitRule {
	/** Which limit this is; several limits share the table. */
	name: string;
	/** Requests allowed per subject within any window of `windowMs`. */
	limit: number;
	windowMs: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A sliding-window rate limit kept in the database, so that every instance shares it and a
 * restart forgets nothing. Each subject's row holds the times of its allowed hits within the
 * window (at most `limit` of them): a hit is allowed, and recorded, when fewer are. One
 * statement per hit; rows whose hits have all left the window are pruned at most once per
 * window per process.
 */
export class RateLimiter {
	readonly #rule: RateLimitRule;
	readonly #now: () => number;
	#prunedAt = 0;

	constructor(rule: RateLimitRule, now = Date.now) {
		this.#rule = rule;
		this.#now = now;
		declareRateLimit(rule.name);
	}

	/** Decides on one request of `subject`, and counts it when it is allowed. */
	async hit(database: Database, subject: string): Promise<RateLimitDecision> {
		const { name, limit, windowMs } = this.#rule;
		const now = this.#now();
		const recent = sql`(select coalesce(array_agg(hit order by hit), '{}') from unnest(${rateLimits.hits}) as hit where hit > ${now - windowMs}::bigint)`;
		const room = sql`cardinality(${recent}) < ${limit}`;
		// The hits still in the window, plus this one when there is room for it.
		const [row] = await database
			.insert(rateLimits)
			.values({ name, subject, hits: limit > 0 ? [now] : [], lastAllowed: limit > 0 })
			.onConflictDoUpdate({
				target: [rateLimits.name, rateLimits.subject],
				set: {
					hits: sql`case when ${room} then array_append(${recent}, ${now}::bigint) else ${recent} end`,
					lastAllowed: room
				}
			})
			.returning({ hits: rateLimits.hits, allowed: rateLimits.lastAllowed });
		if (now - this.#prunedAt >= windowMs) {
			this.#prunedAt = now;
			// Off the request's path; a failed prune is tried again at the next hit.
			this.#prune(database, now - windowMs).catch(() => (this.#prunedAt = 0));
		}
		if (row!.allowed) return { allowed: true };
		countRateLimited(name);
		const retryAfterMs = (row!.hits[0] ?? now) + windowMs - now;
		return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
	}

	/**
	 * Takes back one allowed hit of `subject`, for a request that turned out to change nothing.
	 * Note: it drops the newest hit, which may be a concurrent request's rather than the caller's;
	 * either way one hit fewer counts, and the oldest (which says when to retry) stays.
	 */
	async refund(database: Database, subject: string): Promise<void> {
		await database
			.update(rateLimits)
			.set({ hits: sql`${rateLimits.hits}[1:cardinality(${rateLimits.hits}) - 1]` })
			.where(and(eq(rateLimits.name, this.#rule.name), eq(rateLimits.subject, subject)));
	}

	/** Deletes rows whose newest hit has left the window: they count for nothing any more. */
	async #prune(database: Database, before: number): Promise<void> {
		await database.delete(rateLimits).where(
			and(
				eq(rateLimits.name, this.#rule.name),
				sql`${rateLimits.hits}[cardinality(${rateLimits.hits})] is not distinct from null
						or ${rateLimits.hits}[cardinality(${rateLimits.hits})] <= ${before}::bigint`
			)
		);
	}
}
