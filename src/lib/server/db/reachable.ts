import { sql } from 'drizzle-orm';
import type { Database } from '.';

/**
 * True when the database answers a trivial query within `timeoutMs`; false when it refuses,
 * fails or stays silent. Never throws.
 */
export async function isDatabaseReachable(db: Database, timeoutMs: number): Promise<boolean> {
	const probe = db.execute(sql`select 1`).then(
		() => true,
		() => false
	);
	let timer: ReturnType<typeof setTimeout> | undefined;
	const silent = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
	try {
		return await Promise.race([probe, silent]);
	} finally {
		clearTimeout(timer);
	}
}
