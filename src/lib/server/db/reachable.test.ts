import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseConnection } from '.';
import { isDatabaseReachable } from './reachable';

describe('isDatabaseReachable', () => {
	// Open until the test closes it; closed after the suite if it did not.
	let connection: DatabaseConnection | null = null;
	beforeAll(async () => {
		connection = await connectDatabase({ dataDir: 'memory://' });
	});
	afterAll(() => connection?.close());

	it('is true while the database answers, and false once it is gone', async () => {
		const { db, close } = connection!;
		expect(await isDatabaseReachable(db, 1_000)).toBe(true);
		connection = null;
		await close();
		expect(await isDatabaseReachable(db, 1_000)).toBe(false);
	});
});
