import { Gauge } from 'prom-client';
import type { DatabaseConnection } from '../db';
import { registry } from './registry';

export const DATABASE_POOL_GAUGE = 'latchkey_db_pool_max_connections';

/**
 * The most connections the database driver may open. Note: neither driver tells how many are
 * open or busy. postgres.js (3.4) keeps its connection queues private and has no connect
 * callback; PGlite is a single connection (on a thread of the app's process). See docs/operations.md, Metrics.
 * Registered once per connection; `registry.removeSingleMetric` ends it.
 */
export function watchDatabasePool({ driver, maxConnections }: DatabaseConnection['pool']): Gauge {
	return new Gauge({
		name: DATABASE_POOL_GAUGE,
		help: 'The most connections this instance may open to the database, by driver: postgres (postgres.js, DATABASE_URL) or pglite (embedded, one connection).',
		labelNames: ['driver'] as const,
		registers: [registry],
		collect() {
			this.set({ driver }, maxConnections);
		}
	});
}
