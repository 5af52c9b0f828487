import { lt, lte, sql } from 'drizzle-orm';
import { AUDIT_PRUNE_INTERVAL_MS, AUDIT_RETENTION_DAYS } from '$lib/timings';
import { ConfigError, readWholeNumber, type Env } from '../config/env';
import { db, type Database } from '../db';
import { auditEvents, maintenanceRuns } from '../db/schema';

const TASK = 'audit-prune';
// Note: any constant works; it only has to be the same for every instance of the app.
const PRUNE_LOCK_ID = 0x1a7c5;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes audit events older than `retentionDays`, at most once per hour for the whole cluster:
 * under a transaction-scoped advisory lock (another instance pruning means this one skips), and
 * only when `maintenance_runs` says the last prune is an hour old. Returns how many events it
 * deleted, or null when it skipped.
 */
export async function pruneAuditLog(
	database: Database,
	{ retentionDays, now = new Date() }: { retentionDays: number; now?: Date }
): Promise<number | null> {
	return database.transaction(async (tx) => {
		const [attempt] = await tx
			.select({ locked: sql<boolean>`locked` })
			.from(sql`(select pg_try_advisory_xact_lock(${PRUNE_LOCK_ID}) as locked) as attempt`);
		if (!attempt?.locked) return null;
		const claimed = await tx
			.insert(maintenanceRuns)
			.values({ task: TASK, ranAt: now })
			.onConflictDoUpdate({
				target: maintenanceRuns.task,
				set: { ranAt: now },
				setWhere: lte(maintenanceRuns.ranAt, new Date(now.getTime() - AUDIT_PRUNE_INTERVAL_MS))
			})
			.returning({ task: maintenanceRuns.task });
		if (claimed.length === 0) return null;
		const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
		const pruned = await tx
			.delete(auditEvents)
			.where(lt(auditEvents.at, cutoff))
			.returning({ id: auditEvents.id });
		return pruned.length;
	});
}

/**
 * Prunes the audit log now and then every hour, in the background, with the retention from env
 * (`AUTH_AUDIT_RETENTION_DAYS`; a ConfigError when it is 0). A failed attempt (say, the database is down) logs one line and
 * waits for the next hour.
 */
export function scheduleAuditPruning(env: Env): void {
	const retentionDays = readWholeNumber(env, 'AUTH_AUDIT_RETENTION_DAYS', AUDIT_RETENTION_DAYS);
	if (retentionDays === 0) throw new ConfigError('AUTH_AUDIT_RETENTION_DAYS must be at least 1');
	const prune = () =>
		pruneAuditLog(db, { retentionDays }).catch((error: unknown) => {
			const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
			console.warn(`[audit] pruning the audit log failed: ${reason}`);
			return null;
		});
	void prune();
	setInterval(prune, AUDIT_PRUNE_INTERVAL_MS).unref();
}
