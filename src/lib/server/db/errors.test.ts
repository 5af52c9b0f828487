import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { describeDatabaseError, isDatabaseUnavailable } from './errors';

describe('isDatabaseUnavailable', () => {
	it('recognises a refused connection, also when wrapped as a cause', async () => {
		const client = postgres('postgres://nobody@127.0.0.1:9/none', { connect_timeout: 2 });
		const error = await client`select 1`.catch((caught: unknown) => caught);
		await client.end();
		expect(isDatabaseUnavailable(error)).toBe(true);
		expect(isDatabaseUnavailable(new Error('query failed', { cause: error }))).toBe(true);
		expect(describeDatabaseError(error)).toBe('ECONNREFUSED');
	});

	it('recognises server shutdown codes but not query errors', () => {
		expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
		expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
		expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '42P01' }))).toBe(false);
		expect(isDatabaseUnavailable(new Error('plain'))).toBe(false);
		expect(isDatabaseUnavailable(undefined)).toBe(false);
	});
});
