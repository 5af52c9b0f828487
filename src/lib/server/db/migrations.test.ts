import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { closeDatabase, connectDatabase, db } from '.';
import { describeWithDatabasesAndPooler } from '../testing/databases';
import { eq, getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { users } from './schema';

describeWithDatabasesAndPooler('migrations', () => {
	it('create every table of the schema', async () => {
		const tables = Object.values(schema).filter((value) => is(value, PgTable));
		expect(tables.map((table) => getTableName(table)).sort()).toEqual([
			'accounts',
			'audit_events',
			'maintenance_runs',
			'provider_issuers',
			'rate_limits',
			'sessions',
			'user_sessions',
			'users',
			'verification_tokens'
		]);
		for (const table of tables) {
			await expect(db.select().from(table).limit(1)).resolves.toEqual([]);
		}
	});
});

const dataDir = join(tmpdir(), `latchkey-migrate-${process.pid}`);
afterAll(async () => {
	await closeDatabase();
	rmSync(dataDir, { recursive: true, force: true });
});

it('apply idempotently to a database that already has them, keeping its data', async () => {
	await connectDatabase({ dataDir });
	await db.insert(users).values({ id: 'kept', name: 'Kept' });
	await connectDatabase({ dataDir });
	const rows = await db.select({ name: users.name }).from(users).where(eq(users.id, 'kept'));
	expect(rows).toEqual([{ name: 'Kept' }]);
});
