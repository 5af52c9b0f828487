import type { RequestEvent } from '@sveltejs/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isDatabaseReachable } from '../db/reachable';
import { reportOutages } from './report-outages';

vi.mock('../db/reachable', () => ({ isDatabaseReachable: vi.fn() }));

function respond(response: Response) {
	// Note: the probe is mocked, so the app's database is never used.
	const event = {
		url: new URL('http://127.0.0.1:3000/profile'),
		locals: { app: { db: {} } }
	} as RequestEvent;
	return reportOutages({ event, resolve: async () => response });
}

describe('reportOutages', () => {
	afterEach(() => vi.mocked(isDatabaseReachable).mockReset());

	it('answers a request that failed while the database is down with 503 and Retry-After', async () => {
		vi.mocked(isDatabaseReachable).mockResolvedValue(false);
		const page = new Response('<p role="alert">briefly unavailable</p>', {
			status: 500,
			headers: { 'content-type': 'text/html' }
		});

		const response = await respond(page);

		expect(response.status).toBe(503);
		expect(response.headers.get('retry-after')).toBe('5');
		expect(response.headers.get('content-type')).toBe('text/html');
		expect(await response.text()).toBe('<p role="alert">briefly unavailable</p>');
	});

	it('leaves a failure with the database up a 500', async () => {
		vi.mocked(isDatabaseReachable).mockResolvedValue(true);
		const response = await respond(new Response('oops', { status: 500 }));
		expect(response.status).toBe(500);
		expect(response.headers.get('retry-after')).toBeNull();
	});

	it('never asks the database about a request that did not fail', async () => {
		for (const status of [200, 303, 404]) {
			expect((await respond(new Response(null, { status }))).status).toBe(status);
		}
		expect(isDatabaseReachable).not.toHaveBeenCalled();
	});
});
