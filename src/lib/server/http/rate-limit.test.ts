import { expect, it } from 'vitest';
import { rateLimits } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { RateLimiter } from './rate-limit';

const WINDOW_MS = 60_000;

/** A clock that tests move by hand, starting at a window's beginning. */
function clock() {
	let time = 1_800_000_000_000 - (1_800_000_000_000 % WINDOW_MS);
	return { now: () => time, advance: (ms: number) => (time += ms) };
}

describeWithDatabases('rate limits shared through the database', (app) => {
	it('two instances together allow the limit, and a restarted one still refuses', async () => {
		const time = clock();
		const rule = { name: 'shared', limit: 3, windowMs: WINDOW_MS };
		const [first, second] = [new RateLimiter(rule, time.now), new RateLimiter(rule, time.now)];
		expect(await first.hit(app.db, '10.0.0.1')).toEqual({ allowed: true });
		expect(await second.hit(app.db, '10.0.0.1')).toEqual({ allowed: true });
		expect(await first.hit(app.db, '10.0.0.1')).toEqual({ allowed: true });
		expect((await second.hit(app.db, '10.0.0.1')).allowed).toBe(false);

		const restarted = new RateLimiter(rule, time.now);
		expect((await restarted.hit(app.db, '10.0.0.1')).allowed).toBe(false);
		// Other subjects and other limits count apart.
		expect(await restarted.hit(app.db, '10.0.0.2')).toEqual({ allowed: true });
		const other = new RateLimiter({ ...rule, name: 'another' }, time.now);
		expect(await other.hit(app.db, '10.0.0.1')).toEqual({ allowed: true });
	});

	it('slides: a slot frees up when the oldest hit leaves the window, and says when', async () => {
		const time = clock();
		const limiter = new RateLimiter({ name: 'sliding', limit: 2, windowMs: WINDOW_MS }, time.now);
		await limiter.hit(app.db, 'ip');
		time.advance(20_000);
		await limiter.hit(app.db, 'ip');
		time.advance(10_000);
		expect(await limiter.hit(app.db, 'ip')).toEqual({ allowed: false, retryAfterSeconds: 30 });
		// Refused hits are not counted: the first hit's slot frees up as it leaves the window.
		time.advance(30_001);
		expect(await limiter.hit(app.db, 'ip')).toEqual({ allowed: true });
		expect(await limiter.hit(app.db, 'ip')).toEqual({ allowed: false, retryAfterSeconds: 20 });
	});

	it('a refunded hit no longer counts, and a refund with nothing counted does nothing', async () => {
		const time = clock();
		const limiter = new RateLimiter({ name: 'refunded', limit: 2, windowMs: WINDOW_MS }, time.now);
		await limiter.refund(app.db, 'session');
		for (let i = 0; i < 5; i++) {
			expect(await limiter.hit(app.db, 'session')).toEqual({ allowed: true });
			await limiter.refund(app.db, 'session');
		}
		expect(await limiter.hit(app.db, 'session')).toEqual({ allowed: true });
		expect(await limiter.hit(app.db, 'session')).toEqual({ allowed: true });
		expect((await limiter.hit(app.db, 'session')).allowed).toBe(false);
	});

	it('prunes rows whose windows have both ended, at most once per window', async () => {
		const time = clock();
		const limiter = new RateLimiter({ name: 'pruned', limit: 5, windowMs: WINDOW_MS }, time.now);
		await limiter.hit(app.db, 'gone');
		time.advance(WINDOW_MS * 2);
		await limiter.hit(app.db, 'kept');
		await expect
			.poll(async () =>
				(await app.db.select().from(rateLimits)).filter((row) => row.name === 'pruned')
			)
			.toEqual([expect.objectContaining({ subject: 'kept' })]);
	});
});
