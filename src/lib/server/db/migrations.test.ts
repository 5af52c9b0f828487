import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { closeDatabase, connectDatabase, db } from '.';
import { describeWithDatabases } from '../testing/databases';
import { accounts, sessions, users, verificationTokens } from './schema';

describeWithDatabases('migrations', () => {
	it('create every table of the schema', async () => {
		for (const table of [users, accounts, sessions, verificationTokens]) {
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
