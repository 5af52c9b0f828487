import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Sql } from 'postgres';

// Note: any constant works; it only has to be the same for every instance of the app.
const MIGRATION_LOCK_ID = 0x1a7c4;

/**
 * Applies the pending migrations of `migrationsFolder` in ONE transaction that first takes a
 * transaction-scoped advisory lock, so that instances starting together apply each migration
 * exactly once. The lock ends with the transaction whatever happens: behind a transaction-mode
 * pooler (PgBouncer, Supavisor) a session lock would stay on a pooled server connection after
 * this process left, and every later start would wait for it forever.
 *
 * Records each migration exactly as drizzle's own migrator does (`drizzle.__drizzle_migrations`,
 * its hash and `created_at`), so `npm run db:migrate` and readiness read the same table. Note:
 * drizzle's migrator reads the last applied migration outside its transaction, where no
 * transaction lock can cover it; hence this small copy of it.
 */
export async function migrateUnderLock(client: Sql, migrationsFolder: string): Promise<void> {
	const migrations = readMigrationFiles({ migrationsFolder });
	await client.begin(async (tx) => {
		await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`;
		await tx`create schema if not exists drizzle`;
		await tx`
			create table if not exists drizzle.__drizzle_migrations (
				id serial primary key,
				hash text not null,
				created_at bigint
			)`;
		const [last] = await tx<{ created_at: string }[]>`
			select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`;
		const appliedUpTo = Number(last?.created_at ?? 0);
		for (const migration of migrations) {
			if (migration.folderMillis <= appliedUpTo) continue;
			for (const statement of migration.sql) await tx.unsafe(statement);
			await tx`
				insert into drizzle.__drizzle_migrations (hash, created_at)
				values (${migration.hash}, ${migration.folderMillis})`;
		}
	});
}
