import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { connectDatabase, type DatabaseConnection } from '.';
import { describeWithDatabasesAndPooler } from '../testing/databases';
import { eq, getTableName, is } from 'drizzle-orm';
import { pgSchema, PgTable, text } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { users } from './schema';

// The tables the database holds, as Postgres lists them.
const catalog = pgSchema('information_schema').table('tables', {
	tableName: text('table_name').notNull(),
	tableSchema: text('table_schema').notNull()
});

describeWithDatabasesAndPooler('migrations', (app) => {
	it('create every table of the schema, and only those', async () => {
		const tables = Object.values(schema).filter((value) => is(value, PgTable));
		const names = tables.map((table) => getTableName(table)).sort();
		expect(names).toEqual([
			'accounts',
			'audit_events',
			'maintenance_runs',
			'provider_issuers',
			'rate_limits',
			'user_sessions',
			'users'
		]);
		for (const table of tables) {
			await expect(app.db.select().from(table).limit(1)).resolves.toEqual([]);
		}
		// Auth.js's `sessions` and `verification_tokens`, unused with JWT sessions, are dropped.
		const present = await app.db
			.select({ name: catalog.tableName })
			.from(catalog)
			.where(eq(catalog.tableSchema, 'public'));
		expect(present.map(({ name }) => name).sort()).toEqual(names);
	});
});

const dataDir = join(tmpdir(), `latchkey-migrate-${process.pid}`);
// The connection the test left open, closed after it.
let connection: DatabaseConnection | null = null;
afterAll(async () => {
	await connection?.close();
	rmSync(dataDir, { recursive: true, force: true });
});

it('apply idempotently to a database that already has them, keeping its data', async () => {
	const first = await connectDatabase({ dataDir });
	connection = first;
	await first.db.insert(users).values({ id: 'kept', name: 'Kept' });
	connection = null;
	await first.close();
	const again = await connectDatabase({ dataDir });
	connection = again;
	const rows = await again.db.select({ name: users.name }).from(users).where(eq(users.id, 'kept'));
	expect(rows).toEqual([{ name: 'Kept' }]);
});
