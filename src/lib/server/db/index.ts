import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { DATABASE_RECONNECT_MAX_MS } from '$lib/timings';
import { ConfigError } from '../config/env';
import { lockDataDir } from './data-dir-lock';
import { describeDatabaseError } from './errors';
import { migrateUnderLock } from './migrate-postgres';

export type Database = PgDatabase<PgQueryResultHKT>;

/**
 * Where the data lives: a Postgres server, or an embedded PGlite directory (`memory://` for RAM).
 * `pooler: 'transaction'` when `url` is a transaction-mode pooler (PgBouncer, Supavisor, Neon's):
 * no named prepared statements and no LISTEN through it; `listenUrl`, a direct connection to the
 * same database, then carries LISTEN (optional: waits poll anyway).
 */
export type DatabaseConfig =
	{ url: string; pooler?: 'transaction'; listenUrl?: string } | { dataDir: string };

export const MIGRATIONS_FOLDER = 'drizzle';

/**
 * Postgres's defaults size memory for a server (128 MB of shared buffers); the embedded database
 * holds a few small tables for one process. Measured on a fresh `memory://` start: RSS 709 →
 * 587 MB. Note: PGlite refuses an `initialMemory` below its 128 MB default.
 */
const PGLITE_SETTINGS = [
	'shared_buffers=16MB',
	'work_mem=1MB',
	'maintenance_work_mem=8MB',
	'temp_buffers=1MB',
	'wal_buffers=1MB'
];

/** A connected database, and what else the driver offers. */
export interface DatabaseConnection {
	db: Database;
	/**
	 * Calls `onPayload` with each NOTIFY on `channel`, from any instance: on a Postgres server only
	 * (null on PGlite, which serves a single process). The subscription lasts as long as the
	 * connection and survives reconnects.
	 */
	subscribe: ((channel: string, onPayload: (payload: string) => void) => Promise<unknown>) | null;
	/**
	 * Sends `payload` on `channel` to every instance that subscribed: on a Postgres server only
	 * (null on PGlite). Note: NOTIFY works through a transaction pooler, LISTEN does not.
	 */
	notify: ((channel: string, payload: string) => Promise<void>) | null;
	/** Which driver serves `db`, and how many connections it may open (for /metrics). */
	pool: { driver: 'postgres' | 'pglite'; maxConnections: number };
	close: () => Promise<void>;
}

export function databaseConfigFromEnv(env: Record<string, string | undefined>): DatabaseConfig {
	const { DATABASE_URL: url, DATABASE_POOLER: pooler, DATABASE_LISTEN_URL: listenUrl } = env;
	if (!url) return { dataDir: env.PGLITE_DATA_DIR || '.data/pglite' };
	if (pooler && pooler !== 'transaction') {
		throw new ConfigError(
			`DATABASE_POOLER must be "transaction" or unset (got "${pooler.slice(0, 20)}")`
		);
	}
	if (listenUrl) describeTarget(listenUrl, 'DATABASE_LISTEN_URL');
	return {
		url,
		...(pooler === 'transaction' && { pooler }),
		...(listenUrl && { listenUrl })
	};
}

/**
 * Connects to the database and applies pending migrations (idempotent).
 * Throws `ConfigError` with a one-line, secret-free message when it cannot.
 */
export function connectDatabase(config: DatabaseConfig): Promise<DatabaseConnection> {
	return 'url' in config ? openPostgres(config) : openPglite(config.dataDir);
}

async function openPostgres({
	url,
	pooler,
	listenUrl
}: {
	url: string;
	pooler?: 'transaction';
	listenUrl?: string;
}): Promise<DatabaseConnection> {
	const target = describeTarget(url, 'DATABASE_URL');
	// Note: a transaction pooler may run each statement on another server connection, where
	// a statement postgres.js prepared by name on the first does not exist (before PgBouncer 1.21).
	const options = {
		connect_timeout: 5,
		backoff: reconnectDelaySeconds,
		onnotice: () => {},
		prepare: pooler !== 'transaction'
	};
	// A dedicated single connection migrates, under a lock held by its one transaction.
	const migrator = postgres(url, { ...options, max: 1 });
	try {
		await migrateUnderLock(migrator, MIGRATIONS_FOLDER);
	} catch (error) {
		throw new ConfigError(`cannot use the database at ${target}: ${describeDatabaseError(error)}`);
	} finally {
		await migrator.end({ timeout: 1 });
	}
	const client = postgres(url, options);
	// LISTEN needs a session of its own, which a transaction pooler does not give.
	const listener =
		pooler !== 'transaction'
			? client
			: listenUrl
				? postgres(listenUrl, { ...options, max: 1 })
				: null;
	return {
		db: drizzlePostgres(client) as Database,
		subscribe:
			listener &&
			((channel: string, onPayload: (payload: string) => void) =>
				listener.listen(channel, onPayload)),
		notify: async (channel: string, payload: string) => {
			await client.notify(channel, payload);
		},
		pool: { driver: 'postgres', maxConnections: client.options.max },
		close: async () => {
			if (listener !== null && listener !== client) await listener.end({ timeout: 1 });
			await client.end({ timeout: 1 });
		}
	};
}

/**
 * How long postgres.js waits before it connects again after `failures` failed connections in a
 * row (across its pool), in seconds: doubling from 50 ms up to `DATABASE_RECONNECT_MAX_MS`, with
 * jitter so that instances do not reconnect in step.
 */
function reconnectDelaySeconds(failures: number): number {
	const capped = Math.min(50 * 2 ** failures, DATABASE_RECONNECT_MAX_MS);
	return (capped * (0.5 + Math.random() / 2)) / 1000;
}

async function openPglite(dataDir: string): Promise<DatabaseConnection> {
	const inMemory = dataDir.startsWith('memory://');
	if (!inMemory) mkdirSync(dataDir, { recursive: true });
	// A directory on disk is one process's: a second one would silently lose rows (see the lock).
	const lock = inMemory ? null : lockDataDir(dataDir);
	// Note: imported on demand, so that the build gives it a chunk of its own for its thread.
	const { startPgliteThread } = await import('./pglite-thread.js');
	let thread: Awaited<ReturnType<typeof startPgliteThread>>;
	try {
		thread = await startPgliteThread({
			dataDir,
			settings: PGLITE_SETTINGS,
			migrationsFolder: MIGRATIONS_FOLDER
		});
	} catch (error) {
		lock?.release();
		throw new ConfigError(
			`cannot use the PGlite database in ${dataDir}: ${describeDatabaseError(error)}`
		);
	}
	return {
		// Note: drizzle's PGlite driver only calls `query` and `transaction`, which the thread serves.
		db: drizzlePglite(thread.client as unknown as PGlite) as unknown as Database,
		subscribe: null,
		notify: null,
		// Note: PGlite is one connection, on a thread of its own; its queries take turns.
		pool: { driver: 'pglite', maxConnections: 1 },
		close: async () => {
			try {
				await thread.close();
			} finally {
				lock?.release();
			}
		}
	};
}

/** host:port/database of a connection URL, without credentials, for messages. */
function describeTarget(url: string, variable: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new ConfigError(`${variable} is not a valid URL (expected postgres://user@host:port/db)`);
	}
	if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
		throw new ConfigError(`${variable} must start with postgres:// (got ${parsed.protocol}//)`);
	}
	return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}
