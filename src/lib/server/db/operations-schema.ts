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
