import { Gauge } from 'prom-client';
import { pool } from '../db';
import { registry } from './registry';

/**
 * The most connections the database driver may open. Note: neither driver tells how many are
 * open or busy. postgres.js (3.4) keeps its connection queues private and has no connect
 * callback; PGlite is a single in-process connection. See docs/operations.md, Metrics.
 */
new Gauge({
	name: 'latchkey_db_pool_max_connections',
	help: 'The most connections this instance may open to the database, by driver: postgres (postgres.js, DATABASE_URL) or pglite (embedded, one connection).',
	labelNames: ['driver'] as const,
	registers: [registry],
	collect() {
		this.reset();
		if (pool !== null) this.set({ driver: pool.driver }, pool.maxConnections);
	}
});
