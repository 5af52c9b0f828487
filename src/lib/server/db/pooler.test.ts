import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createThrowawayDatabase } from '$idp/testkit/database.js';
import { findPgbouncer, startPgbouncer } from '$idp/testkit/pgbouncer.js';
import {
	connectDatabase,
	databaseConfigFromEnv,
	MIGRATIONS_FOLDER,
	type DatabaseConfig,
	type DatabaseConnection
} from '.';
import { migrateUnderLock } from './migrate-postgres';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { eq } from 'drizzle-orm';
import { users } from './schema';

const serverUrl = process.env.TEST_DATABASE_URL;

describe('DATABASE_POOLER and DATABASE_LISTEN_URL', () => {
	it('mark a transaction pooler, with an optional direct URL for LISTEN', () => {
		const url = 'postgres://app@pooler.example:6543/app';
		const listen = 'postgres://app@db.example:5432/app';
		expect(databaseConfigFromEnv({ DATABASE_URL: url })).toEqual({ url });
		expect(
			databaseConfigFromEnv({
				DATABASE_URL: url,
				DATABASE_POOLER: 'transaction',
				DATABASE_LISTEN_URL: listen
			})
		).toEqual({ url, pooler: 'transaction', listenUrl: listen });
	});

	it('refuse a pooler mode other than transaction, and a listen URL that is not postgres://', () => {
		const url = 'postgres://app@pooler.example:6543/app';
		expect(() => databaseConfigFromEnv({ DATABASE_URL: url, DATABASE_POOLER: 'session' })).toThrow(
			'DATABASE_POOLER must be "transaction" or unset (got "session")'
		);
		expect(() =>
			databaseConfigFromEnv({ DATABASE_URL: url, DATABASE_LISTEN_URL: 'mysql://db:3306/app' })
		).toThrow('DATABASE_LISTEN_URL must start with postgres:// (got mysql://)');
	});
});

describe.skipIf(!serverUrl || findPgbouncer() === null)(
	'behind PgBouncer in transaction mode (needs TEST_DATABASE_URL and pgbouncer)',
	() => {
		let database: Awaited<ReturnType<typeof createThrowawayDatabase>>;
		let pooler: Awaited<ReturnType<typeof startPgbouncer>>;
		let direct: postgres.Sql;
		// The connection a test opened, closed after it.
		let open: DatabaseConnection | null = null;
		async function connect(config: DatabaseConfig) {
			open = await connectDatabase(config);
			return open;
		}
		async function close() {
			const connection = open;
			open = null;
			await connection?.close();
		}
		beforeAll(async () => {
			database = await createThrowawayDatabase(serverUrl!);
			pooler = await startPgbouncer(serverUrl!);
			direct = postgres(database.url.href, { max: 1, onnotice: () => {} });
		});
		afterEach(close);
		afterAll(async () => {
			await direct.end();
			await pooler.stop();
			await database.drop();
		});

		// Note: this database's only; test files running beside this one take locks of their own.
		const advisoryLocks = () => direct`
			select pid from pg_locks
			where locktype = 'advisory'
				and database = (select oid from pg_database where datname = current_database())`;

		it('a start, a stop and five starts after it all migrate, and no lock is left behind', async () => {
			const config = { url: pooler.url(database.url), pooler: 'transaction' as const };
			// Note: a session lock left on a pooled server connection made the second start wait forever.
			for (let start = 0; start < 6; start++) {
				await connect(config);
				expect(await advisoryLocks()).toEqual([]);
				await close();
			}
			const applied = await direct`select hash from drizzle.__drizzle_migrations`;
			expect(applied).toHaveLength(
				readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length
			);
		});

		it('instances starting together on a fresh database apply each migration exactly once', async () => {
			const fresh = await createThrowawayDatabase(serverUrl!);
			const clients = Array.from({ length: 4 }, () =>
				postgres(pooler.url(fresh.url), { max: 1, prepare: false, onnotice: () => {} })
			);
			try {
				await Promise.all(clients.map((client) => migrateUnderLock(client, MIGRATIONS_FOLDER)));
				const [row] = await clients[0]!<{ count: number }[]>`
					select count(*)::int as count from drizzle.__drizzle_migrations`;
				expect(row?.count).toBe(readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length);
			} finally {
				await Promise.all(clients.map((client) => client.end()));
				await fresh.drop();
			}
		});

		it('LISTEN never goes through the pooler: only DATABASE_LISTEN_URL carries it, and hears NOTIFY sent through the pooler', async () => {
			const url = pooler.url(database.url);
			const pooled = await connect({ url, pooler: 'transaction' });
			expect(pooled.subscribe).toBeNull();
			expect(pooled.notify).not.toBeNull();
			await close();

			const connection = await connect({
				url,
				pooler: 'transaction',
				listenUrl: database.url.href
			});
			const heard: string[] = [];
			await connection.subscribe!('latchkey_pooler_test', (payload) => heard.push(payload));
			await connection.notify!('latchkey_pooler_test', 'released');
			await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['released']);
		});

		it('200 parallel reads with parameters all answer, with no prepared statement to lose', async () => {
			const { db } = await connect({ url: pooler.url(database.url), pooler: 'transaction' });
			const ids = Array.from({ length: 200 }, (_, i) => `user-${i}`);
			await db.insert(users).values(ids.map((id) => ({ id, name: id })));
			const answers = await Promise.all(
				ids.map((id) => db.select({ name: users.name }).from(users).where(eq(users.id, id)))
			);
			expect(answers).toEqual(ids.map((name) => [{ name }]));
		});
	}
);
