import { expect, it } from 'vitest';
import { RateLimiter } from '../http/rate-limit';
import { describeWithDatabases } from '../testing/databases';
import { readMetric } from '../testing/metrics';

const limited = (limit: string) => readMetric('latchkey_rate_limited_total', { limit });

describeWithDatabases('rate-limit metrics', (app) => {
	it('counts each refused request under its limit, never the allowed ones', async () => {
		const limiter = new RateLimiter({ name: 'metrics-test', limit: 2, windowMs: 60_000 });
		const other = new RateLimiter({ name: 'metrics-other', limit: 2, windowMs: 60_000 });
		const subject = `192.0.2.${Math.floor(Math.random() * 250)}`;
		const before = [await limited('metrics-test'), await limited('metrics-other')];

		for (let hit = 0; hit < 5; hit++) await limiter.hit(app.db, subject);
		await other.hit(app.db, subject);

		expect([await limited('metrics-test'), await limited('metrics-other')]).toEqual([
			before[0]! + 3,
			before[1]
		]);
	});
});
