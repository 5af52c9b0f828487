import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, connectDatabase } from '.';
import { isDatabaseReachable } from './reachable';

describe('isDatabaseReachable', () => {
	beforeAll(() => connectDatabase({ dataDir: 'memory://' }));
	afterAll(() => closeDatabase());

	it('is true while the database answers, and false once it is gone', async () => {
		expect(await isDatabaseReachable(1_000)).toBe(true);
		await closeDatabase();
		expect(await isDatabaseReachable(1_000)).toBe(false);
	});
});
