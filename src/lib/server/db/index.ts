import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { ConfigError } from '../config/env';
import { lockDataDir } from './data-dir-lock';
import { describeDatabaseError } from './errors';

export type Database = PgDatabase<PgQueryResultHKT>;

/** Where the data lives: a Postgres server, or an embedded PGlite directory (`memory://` for RAM). */
export type DatabaseConfig = { url: string } | { dataDir: string };

export const MIGRATIONS_FOLDER = 'drizzle';
// Note: any constant works; it only has to be the same for every instance of the app.
const MIGRATION_LOCK_ID = 0x1a7c4;

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

/** The connected database, set by `connectDatabase`. */
export let db: Database;
/**
 * Calls `onPayload` with each NOTIFY on `channel`, from any instance: on a Postgres server only
 * (null on PGlite, which serves a single process). The subscription lasts as long as the
 * connection and survives reconnects.
 */
export let subscribe:
	((channel: string, onPayload: (payload: string) => void) => Promise<unknown>) | null = null;
/** Which driver serves `db`, and how many connections it may open (for /metrics). */
export let pool: { driver: 'postgres' | 'pglite'; maxConnections: number } | null = null;
let closeCurrent: (() => Promise<void>) | null = null;

export function databaseConfigFromEnv(env: Record<string, string | undefined>): DatabaseConfig {
	if (env.DATABASE_URL) return { url: env.DATABASE_URL };
	return { dataDir: env.PGLITE_DATA_DIR || '.data/pglite' };
}

/**
 * Connects to the database and applies pending migrations (idempotent).
 * Throws `ConfigError` with a one-line, secret-free message when it cannot.
 */
export async function connectDatabase(config: DatabaseConfig): Promise<Database> {
	await closeDatabase();
	const connected =
		'url' in config ? await openPostgres(config.url) : await openPglite(config.dataDir);
	db = connected.db;
	subscribe = connected.subscribe;
	pool = connected.pool;
	closeCurrent = connected.close;
	return db;
}

export async function closeDatabase(): Promise<void> {
	await closeCurrent?.();
	closeCurrent = null;
	subscribe = null;
	pool = null;
}

async function openPostgres(url: string) {
	const target = describeTarget(url);
	// Migrate on a dedicated single connection, under an advisory lock, so that several
	// instances starting together apply each migration exactly once.
	const migrator = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
	try {
		await migrator`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
		await migratePostgres(drizzlePostgres(migrator), { migrationsFolder: MIGRATIONS_FOLDER });
	} catch (error) {
		throw new ConfigError(`cannot use the database at ${target}: ${describeDatabaseError(error)}`);
	} finally {
		await migrator.end({ timeout: 1 });
	}
	const client = postgres(url, { connect_timeout: 5, onnotice: () => {} });
	return {
		db: drizzlePostgres(client) as Database,
		subscribe: (channel: string, onPayload: (payload: string) => void) =>
			client.listen(channel, onPayload),
		pool: { driver: 'postgres' as const, maxConnections: client.options.max },
		close: () => client.end({ timeout: 1 })
	};
}

async function openPglite(dataDir: string) {
	const inMemory = dataDir.startsWith('memory://');
	if (!inMemory) mkdirSync(dataDir, { recursive: true });
	// A directory on disk is one process's: a second one would silently lose rows (see the lock).
	const lock = inMemory ? null : lockDataDir(dataDir);
	const client = new PGlite(dataDir, { postgresqlconf: PGLITE_SETTINGS });
	const pglite = drizzlePglite(client);
	const close = async () => {
		try {
			await client.close();
		} finally {
			lock?.release();
		}
	};
	try {
		await migratePglite(pglite, { migrationsFolder: MIGRATIONS_FOLDER });
	} catch (error) {
		await close();
		throw new ConfigError(
			`cannot use the PGlite database in ${dataDir}: ${describeDatabaseError(error)}`
		);
	}
	return {
		db: pglite as unknown as Database,
		subscribe: null,
		// Note: PGlite is one in-process connection; its queries take turns.
		pool: { driver: 'pglite' as const, maxConnections: 1 },
		close
	};
}

/** host:port/database of a connection URL, without credentials, for messages. */
function describeTarget(url: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new ConfigError(
			'DATABASE_URL is not a valid URL (expected postgres://user@host:port/db)'
		);
	}
	if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
		throw new ConfigError(`DATABASE_URL must start with postgres:// (got ${parsed.protocol}//)`);
	}
	return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}
