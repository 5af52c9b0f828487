import { asc, sql } from 'drizzle-orm';
import { integer, pgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseConnection } from '.';
import { isDatabaseUnavailable } from './errors';

const notes = pgTable('notes', { id: integer('id').primaryKey() });
const counters = pgTable('counters', { n: integer('n').notNull() });

describe('PGlite on a thread of its own', () => {
	let connection: DatabaseConnection;
	beforeAll(async () => {
		connection = await connectDatabase({ dataDir: 'memory://' });
	});
	afterAll(() => connection.close());

	it('runs a query off the event loop, which keeps turning meanwhile', async () => {
		let turns = 0;
		let turning = true;
		const turn = () => {
			turns++;
			if (turning) setImmediate(turn);
		};
		setImmediate(turn);
		// Note: PGlite sleeps by blocking its thread; on the event loop's thread, nothing would turn.
		await connection.db.execute(sql`select pg_sleep(0.5)`);
		turning = false;
		expect(turns).toBeGreaterThan(20);
	});

	it('commits a transaction, and rolls one back when its work fails, with Postgres’s code', async () => {
		const { db } = connection;
		await db.execute(sql`create table notes (id int primary key)`);
		await db.transaction(async (tx) => {
			await tx.insert(notes).values({ id: 1 });
		});
		const failed = db.transaction(async (tx) => {
			await tx.execute(sql`insert into notes values (2)`);
			await tx.insert(notes).values({ id: 1 });
		});
		await expect(failed).rejects.toMatchObject({ cause: { code: '23505' } });
		expect(await db.select().from(notes).orderBy(asc(notes.id))).toEqual([{ id: 1 }]);
	});

	it('keeps concurrent queries out of a transaction under way', async () => {
		const { db } = connection;
		await db.execute(sql`create table counters (n int)`);
		await db.insert(counters).values({ n: 0 });
		const transaction = db.transaction(async (tx) => {
			await tx.update(counters).set({ n: 1 });
			await new Promise((resolve) => setTimeout(resolve, 100));
			await tx.update(counters).set({ n: 2 });
		});
		// Sent while the transaction holds the database: it runs after the commit.
		const read = db.select().from(counters).execute();
		await transaction;
		expect(await read).toEqual([{ n: 2 }]);
	});
});

describe('PGlite on a thread, once it has stopped', () => {
	it('fails queries as an unavailable database, not as a bad query', async () => {
		const { db, close } = await connectDatabase({ dataDir: 'memory://' });
		await close();
		const error = await db.execute(sql`select 1`).catch((caught: unknown) => caught);
		expect(isDatabaseUnavailable(error)).toBe(true);
	});
});
