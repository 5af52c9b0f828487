import { lte, sql } from 'drizzle-orm';
import type { Database } from '.';
import { maintenanceRuns } from './schema';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** One cluster-wide maintenance task: its name in `maintenance_runs`, and its advisory lock. */
export interface MaintenanceTask {
	task: string;
	/** Any constant, the same on every instance, and different for each task. */
	lockId: number;
	/** How often, at most, the task runs for the whole cluster. */
	intervalMs: number;
}

/**
 * Runs `work` at most once per `intervalMs` for the whole cluster: under a transaction-scoped
 * advisory lock (another instance at it means this one skips), and only when `maintenance_runs`
 * says the last run is that old. Returns what `work` returned, or null when it skipped.
 */
export async function runMaintenanceTask<T>(
	database: Database,
	{ task, lockId, intervalMs }: MaintenanceTask,
	now: Date,
	work: (tx: Transaction) => Promise<T>
): Promise<T | null> {
	return database.transaction(async (tx) => {
		const [attempt] = await tx
			.select({ locked: sql<boolean>`locked` })
			.from(sql`(select pg_try_advisory_xact_lock(${lockId}) as locked) as attempt`);
		if (!attempt?.locked) return null;
		const claimed = await tx
			.insert(maintenanceRuns)
			.values({ task, ranAt: now })
			.onConflictDoUpdate({
				target: maintenanceRuns.task,
				set: { ranAt: now },
				setWhere: lte(maintenanceRuns.ranAt, new Date(now.getTime() - intervalMs))
			})
			.returning({ task: maintenanceRuns.task });
		if (claimed.length === 0) return null;
		return work(tx);
	});
}

/**
 * Runs `run` now and then every `intervalMs`, in the background. A failed run (say, the database
 * is down) logs one line, `[maintenance] <what> failed: <reason>`, and waits for the next one.
 */
export function scheduleMaintenance(
	what: string,
	intervalMs: number,
	run: () => Promise<unknown>
): () => void {
	const attempt = () =>
		run().catch((error: unknown) => {
			const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
			console.warn(`[maintenance] ${what} failed: ${reason}`);
		});
	void attempt();
	const timer = setInterval(attempt, intervalMs).unref();
	return () => clearInterval(timer);
}
