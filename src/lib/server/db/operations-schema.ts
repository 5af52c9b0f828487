import { bigint, boolean, primaryKey, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Sliding-window rate limits shared by every instance (see `$lib/server/http/rate-limit.ts`):
 * one row per limit and subject (an IP address, a user id) with the times of its recent hits.
 */
export const rateLimits = pgTable(
	'rate_limits',
	{
		name: text('name').notNull(),
		subject: text('subject').notNull(),
		/** The allowed hits within the window, in ms since the epoch, oldest first; at most the limit. */
		hits: bigint('hits', { mode: 'number' }).array().notNull(),
		/** Whether the latest hit was allowed (and so recorded in `hits`). */
		lastAllowed: boolean('last_allowed').notNull()
	},
	(limit) => [primaryKey({ columns: [limit.name, limit.subject] })]
);

/**
 * When each cluster-wide maintenance task last ran (e.g. pruning the audit log), so that however
 * many instances try, it runs at most once per interval.
 */
export const maintenanceRuns = pgTable('maintenance_runs', {
	task: text('task').primaryKey(),
	ranAt: timestamp('ran_at', { mode: 'date', withTimezone: true }).notNull()
});

/**
 * The issuer each provider's accounts belong to (GitHub's or a GitHub Enterprise URL, Google's
 * or another issuer, the OIDC issuer), recorded at the first start that configured it: an
 * account is keyed by the provider and the issuer's user id (`sub`), which means nothing at
 * another issuer. A start whose configured issuer differs refuses to run (see
 * `$lib/server/providers/issuers.ts`).
 */
export const providerIssuers = pgTable('provider_issuers', {
	provider: text('provider').primaryKey(),
	issuer: text('issuer').notNull(),
	recordedAt: timestamp('recorded_at', { mode: 'date', withTimezone: true }).notNull().defaultNow()
});
