import { lt } from 'drizzle-orm';
import { AUDIT_PRUNE_INTERVAL_MS } from '$lib/timings';
import type { Database } from '../db';
import { runMaintenanceTask } from '../db/maintenance';
import { auditEvents } from '../db/schema';

const TASK = {
	task: 'audit-prune',
	// Note: any constant works; it only has to be the same for every instance of the app.
	lockId: 0x1a7c5,
	intervalMs: AUDIT_PRUNE_INTERVAL_MS
};
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes audit events older than `retentionDays`, at most once per hour for the whole cluster
 * (see `runMaintenanceTask`). Returns how many events it deleted, or null when it skipped.
 */
export async function pruneAuditLog(
	database: Database,
	{ retentionDays, now = new Date() }: { retentionDays: number; now?: Date }
): Promise<number | null> {
	return runMaintenanceTask(database, TASK, now, async (tx) => {
		const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
		const pruned = await tx
			.delete(auditEvents)
			.where(lt(auditEvents.at, cutoff))
			.returning({ id: auditEvents.id });
		return pruned.length;
	});
}
