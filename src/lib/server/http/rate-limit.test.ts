import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from './rate-limit';

function limiter(limit: number, windowMs: number) {
	let time = 1_000_000;
	const limiter = new SlidingWindowLimiter({ limit, windowMs, now: () => time });
	return { limiter, advance: (ms: number) => (time += ms) };
}

describe('SlidingWindowLimiter', () => {
	it('allows `limit` requests per window, then refuses with the seconds until the next slot', () => {
		const { limiter: rate, advance } = limiter(3, 60_000);
		for (let i = 0; i < 3; i++) {
			expect(rate.hit('1.2.3.4')).toEqual({ allowed: true });
			advance(10_000);
		}
		expect(rate.hit('1.2.3.4')).toEqual({ allowed: false, retryAfterSeconds: 30 });
		expect(rate.hit('5.6.7.8')).toEqual({ allowed: true });
	});

	it('slides: a slot frees up when the oldest request leaves the window', () => {
		const { limiter: rate, advance } = limiter(2, 1_000);
		rate.hit('ip');
		advance(600);
		rate.hit('ip');
		expect(rate.hit('ip').allowed).toBe(false);
		advance(401);
		expect(rate.hit('ip').allowed).toBe(true);
		expect(rate.hit('ip').allowed).toBe(false);
	});

	it('does not count refused requests, so waiting is enough to recover', () => {
		const { limiter: rate, advance } = limiter(1, 1_000);
		rate.hit('ip');
		for (let i = 0; i < 10; i++) expect(rate.hit('ip').allowed).toBe(false);
		advance(1_000);
		expect(rate.hit('ip').allowed).toBe(true);
	});
});
