import { isNotNull, lt, or } from 'drizzle-orm';
import { SESSION_PRUNE_INTERVAL_MS } from '$lib/timings';
import type { Database } from '../db';
import { runMaintenanceTask } from '../db/maintenance';
import { userSessions } from '../db/schema';

const TASK = {
	task: 'user-sessions-prune',
	// Note: any constant works; it only has to be the same for every instance, and not the audit's.
	lockId: 0x1a7c6,
	intervalMs: SESSION_PRUNE_INTERVAL_MS
};

/** How long a session lasts and how often it is checked: what says a row can no longer sign in. */
export interface SessionLifetime {
	maxAgeSeconds: number;
	checkIntervalSeconds: number;
}

/**
 * Deletes the `user_sessions` rows that can never sign anyone in again, at most once per hour
 * for the whole cluster (see `runMaintenanceTask`): ended ones (signed out or revoked), and
 * expired ones. A cookie is re-issued only by a check of its row, at most `checkIntervalSeconds`
 * before the row was last seen, and lives `maxAgeSeconds` from then: a row not seen for longer
 * than both has no live cookie. A cookie that names a deleted row is signed out, as a revoked
 * one is. Returns how many rows it deleted, or null when it skipped.
 */
export async function pruneUserSessions(
	database: Database,
	{ maxAgeSeconds, checkIntervalSeconds }: SessionLifetime,
	now = new Date()
): Promise<number | null> {
	return runMaintenanceTask(database, TASK, now, async (tx) => {
		const lastPossiblyLive = new Date(
			now.getTime() - (maxAgeSeconds + checkIntervalSeconds) * 1000
		);
		const pruned = await tx
			.delete(userSessions)
			.where(or(isNotNull(userSessions.revokedAt), lt(userSessions.lastSeenAt, lastPossiblyLive)))
			.returning({ id: userSessions.id });
		return pruned.length;
	});
}
