import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Database } from '.';
import { describeDatabaseError } from './errors';

/**
 * `reason` is what a monitor may be told: only what is unavailable. `detail` says why (a driver
 * error, a missing table) and is for the log only: it describes the database to whoever asks.
 */
export type Readiness =
	| { ready: true }
	| {
			ready: false;
			reason: 'database unavailable' | 'database migrations are pending';
			detail: string;
	  };

/** How long the database may take to answer a readiness check. */
const ANSWER_WITHIN_MS = 2_000;

/**
 * Whether this instance can serve: the database answers within 2 s and every migration in
 * `migrationsFolder` is applied (drizzle records each one in `drizzle.__drizzle_migrations`).
 * Otherwise what is unavailable, and a one-line detail with no credentials in it.
 */
export async function checkReadiness(
	database: Database,
	migrationsFolder: string
): Promise<Readiness> {
	const expected = readMigrationFiles({ migrationsFolder });
	const newest = Math.max(...expected.map(({ folderMillis }) => folderMillis));
	let applied: number;
	try {
		applied = await withinTime(newestAppliedMigration(database), ANSWER_WITHIN_MS);
	} catch (error) {
		return { ready: false, reason: 'database unavailable', detail: describeDatabaseError(error) };
	}
	if (applied < newest) {
		const detail = `the newest applied migration is from ${applied}, the newest here from ${newest}`;
		return { ready: false, reason: 'database migrations are pending', detail };
	}
	return { ready: true };
}

/** When the newest applied migration was written (drizzle's `created_at`), 0 when none is. */
async function newestAppliedMigration(database: Database): Promise<number> {
	const [row] = await database
		.select({ newest: sql<string | null>`max(created_at)` })
		.from(sql`drizzle.__drizzle_migrations`);
	return Number(row?.newest ?? 0);
}

function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
	});
	return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
