import type { Database, DatabaseConnection } from '../db';
import { ACTIVE_SESSIONS_GAUGE, watchActiveSessions } from './active-sessions';
import { DATABASE_POOL_GAUGE, watchDatabasePool } from './database-pool';
import { declareRefreshes } from './refreshes';
import { registry } from './registry';
import { declareSignIns } from './sign-ins';

/**
 * Starts the app's metrics: each provider's series at zero (so that rates start from the first
 * scrape), and the gauges read from the database when scraped. Returns what stops the gauges.
 */
export function instrumentApp({
	providerIds,
	database,
	sessionMaxAgeSeconds
}: {
	providerIds: string[];
	database: Pick<DatabaseConnection, 'pool'> & { db: Database };
	sessionMaxAgeSeconds: number;
}): () => void {
	for (const provider of providerIds) {
		declareRefreshes(provider);
		declareSignIns(provider);
	}
	watchDatabasePool(database.pool);
	watchActiveSessions(database.db, sessionMaxAgeSeconds);
	return () => {
		for (const name of [DATABASE_POOL_GAUGE, ACTIVE_SESSIONS_GAUGE]) {
			registry.removeSingleMetric(name);
		}
	};
}
