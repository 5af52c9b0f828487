import { describe, expect, it } from 'vitest';
import { formatCountdown } from './countdown';

describe('formatCountdown', () => {
	it('shows seconds, minutes and hours, rounding up so that time left never reads 0 s', () => {
		expect(formatCountdown(300)).toBe('1 s');
		expect(formatCountdown(29_000)).toBe('29 s');
		expect(formatCountdown(4 * 60_000 + 9_000)).toBe('4 min 9 s');
		expect(formatCountdown(3_600_000 + 5 * 60_000 + 30_000)).toBe('1 h 5 min');
	});

	it('says expired once the deadline has passed', () => {
		expect(formatCountdown(0)).toBe('expired');
		expect(formatCountdown(-5_000)).toBe('expired');
	});
});
