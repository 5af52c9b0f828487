import { describe, expect, it } from 'vitest';
import { TOKEN_REFRESH_SPREAD } from '$lib/timings';
import { isExpiredAt, isRefreshDue, refreshPoint } from './life';

const SKEW_MS = 60_000;
const issuedAt = 1_800_000_000;
const hour = { issuedAt, expiresAt: issuedAt + 3600 };
const accounts = Array.from({ length: 2000 }, (_, i) => ({
	provider: 'github' as const,
	providerAccountId: String(100_000 + i)
}));

/** When the account's token falls due (epoch ms), found by bisection over its life. */
function dueAt(account: (typeof accounts)[number], life = hour): number {
	let [low, high] = [life.issuedAt * 1000, life.expiresAt * 1000];
	while (high - low > 1) {
		const middle = Math.floor((low + high) / 2);
		if (isRefreshDue({ ...account, ...life }, SKEW_MS, middle)) high = middle;
		else low = middle;
	}
	return high;
}

describe('the refresh moment', () => {
	it('is the same for an account on every call, and differs between accounts', () => {
		const [first, second] = accounts;
		expect(refreshPoint(first!)).toBe(refreshPoint({ ...first! }));
		expect(refreshPoint(first!)).not.toBe(refreshPoint(second!));
		for (const account of accounts) {
			expect(refreshPoint(account)).toBeGreaterThanOrEqual(0);
			expect(refreshPoint(account)).toBeLessThan(TOKEN_REFRESH_SPREAD);
		}
	});

	it('spreads tokens issued together over the first three quarters of their window', () => {
		const windowStart = hour.expiresAt * 1000 - SKEW_MS;
		const spreadEnd = windowStart + SKEW_MS * TOKEN_REFRESH_SPREAD;
		const moments = accounts.map((account) => dueAt(account));
		expect(Math.min(...moments)).toBeGreaterThanOrEqual(windowStart);
		expect(Math.max(...moments)).toBeLessThanOrEqual(spreadEnd);
		// Ten equal slices of the spread each take about a tenth of the accounts.
		const slices = Array<number>(10).fill(0);
		for (const moment of moments) {
			const slice = Math.floor(((moment - windowStart) / (spreadEnd - windowStart)) * 10);
			slices[Math.min(slice, 9)]! += 1;
		}
		for (const count of slices) expect(count / accounts.length).toBeGreaterThan(0.07);
		for (const count of slices) expect(count / accounts.length).toBeLessThan(0.13);
	});

	it('keeps a short token to at most 4/3 refreshes per lifetime', () => {
		const short = { issuedAt, expiresAt: issuedAt + 10 };
		for (const account of accounts.slice(0, 200)) {
			expect(dueAt(account, short)).toBeGreaterThanOrEqual((issuedAt + 7.5) * 1000);
		}
	});

	it('makes an expired token due at once, and one that never expires never due', () => {
		const now = (hour.expiresAt + 1) * 1000;
		for (const account of accounts.slice(0, 200)) {
			expect(isExpiredAt(hour, now)).toBe(true);
			expect(isRefreshDue({ ...account, ...hour }, SKEW_MS, now)).toBe(true);
			expect(isRefreshDue({ ...account, expiresAt: null }, SKEW_MS, now)).toBe(false);
		}
	});
});
