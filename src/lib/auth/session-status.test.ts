import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SESSION_STATUS_TTL_MS } from '$lib/timings';
import { checkSessionStatus, invalidateSessionStatus, peekSessionStatus } from './session-status';

function answering(status: number) {
	return vi.fn(async () => new Response(JSON.stringify({ status }), { status }));
}

describe('session status cache', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		invalidateSessionStatus();
	});
	afterEach(() => vi.useRealTimers());

	it('knows nothing before the first check', () => {
		expect(peekSessionStatus()).toBeUndefined();
	});

	it('remembers a 200 as signed in for 20 s, then asks again', async () => {
		const fetchStatus = answering(200);
		expect(await checkSessionStatus(fetchStatus)).toBe('signed-in');
		expect(fetchStatus).toHaveBeenCalledWith('/api/get-session-status', { cache: 'no-store' });

		vi.advanceTimersByTime(SESSION_STATUS_TTL_MS - 1);
		expect(peekSessionStatus()).toBe('signed-in');
		vi.advanceTimersByTime(1);
		expect(peekSessionStatus()).toBeUndefined();
	});

	it('remembers a 401 as signed out', async () => {
		expect(await checkSessionStatus(answering(401))).toBe('signed-out');
		expect(peekSessionStatus()).toBe('signed-out');
	});

	it('forgets the answer when invalidated', async () => {
		await checkSessionStatus(answering(200));
		invalidateSessionStatus();
		expect(peekSessionStatus()).toBeUndefined();
	});

	it('treats a network error or a 5xx as unknown and remembers nothing', async () => {
		const offline = vi.fn(async () => {
			throw new TypeError('Failed to fetch');
		});
		expect(await checkSessionStatus(offline)).toBe('unknown');
		expect(await checkSessionStatus(answering(503))).toBe('unknown');
		expect(peekSessionStatus()).toBeUndefined();
	});
});
