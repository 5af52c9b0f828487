import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PATHS } from '$lib/paths';
import { SESSION_EXPIRY_WARNING_MS, SESSION_STATUS_TTL_MS } from '$lib/timings';
import { SessionStore } from './session.svelte';
import type { PageSession, SessionStatusBody } from './types';

const ada: PageSession = {
	user: { id: 'user-ada', name: 'Ada', email: 'ada@example.test', image: null },
	expires: new Date(Date.UTC(2030, 0, 1)).toISOString()
};

/** A status endpoint that answers each body in turn (the last one from then on). */
function server(...bodies: SessionStatusBody[]) {
	let next = 0;
	return vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => {
		const body = bodies[Math.min(next++, bodies.length - 1)]!;
		return new Response(JSON.stringify(body), { status: body.status });
	});
}

const signedIn = (expires = ada.expires): SessionStatusBody => ({
	status: 200,
	userId: ada.user.id,
	expires
});

describe('SessionStore', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		vi.setSystemTime(new Date(Date.UTC(2029, 11, 31)));
	});
	afterEach(() => vi.useRealTimers());

	it('starts from the rendered session and trusts it for 20 s without asking', async () => {
		const fetchStatus = server(signedIn());
		const session = new SessionStore(ada, fetchStatus);
		expect(session.isAuthenticated).toBe(true);
		expect(session.user?.name).toBe('Ada');
		expect(session.expiresAt).toBe(Date.parse(ada.expires));

		vi.advanceTimersByTime(SESSION_STATUS_TTL_MS - 1);
		expect(await session.check()).toBe('signed-in');
		expect(fetchStatus).not.toHaveBeenCalled();

		vi.advanceTimersByTime(1);
		expect(session.peek()).toBeUndefined();
		expect(await session.check()).toBe('signed-in');
		expect(fetchStatus).toHaveBeenCalledOnce();
		expect(fetchStatus).toHaveBeenCalledWith(PATHS.sessionStatus, { cache: 'no-store' });
	});

	it('asks once for any number of checks at the same time, then caches the answer', async () => {
		const fetchStatus = server(signedIn());
		const session = new SessionStore(null, fetchStatus);
		session.invalidate();
		const answers = await Promise.all([session.check(), session.check(), session.check()]);
		expect(answers).toEqual(['signed-in', 'signed-in', 'signed-in']);
		await session.check();
		expect(fetchStatus).toHaveBeenCalledOnce();
	});

	it('asks at once when forced or invalidated, even while the answer is fresh', async () => {
		const fetchStatus = server(signedIn());
		const session = new SessionStore(ada, fetchStatus);
		await session.check({ force: true });
		session.invalidate();
		await session.check();
		expect(fetchStatus).toHaveBeenCalledTimes(2);
	});

	it('a 401 signs the store out, and that answer is cached too', async () => {
		const fetchStatus = server({ status: 401 });
		const session = new SessionStore(ada, fetchStatus);
		expect(await session.check({ force: true })).toBe('signed-out');
		expect(session.isAuthenticated).toBe(false);
		expect(session.userId).toBeNull();
		expect(session.peek()).toBe('signed-out');
		expect(fetchStatus).toHaveBeenCalledOnce();
	});

	it('a refused refresh keeps the user but is not signed in', async () => {
		const session = new SessionStore(ada, server({ status: 401, error: 'RefreshTokenError' }));
		expect(await session.check({ force: true })).toBe('signed-out');
		expect(session.error).toBe('RefreshTokenError');
		expect(session.userId).toBe(ada.user.id);
		expect(session.isAuthenticated).toBe(false);
	});

	it('a network error or a 5xx neither signs out nor is cached', async () => {
		const offline = vi.fn(async () => {
			throw new TypeError('Failed to fetch');
		});
		const session = new SessionStore(ada, offline);
		session.invalidate();
		expect(await session.check()).toBe('unknown');
		expect(session.error).toBe('StatusUnavailable');
		expect(session.isAuthenticated).toBe(true);
		expect(session.peek()).toBeUndefined();

		const failing = new SessionStore(ada, server({ status: 503 } as never));
		expect(await failing.check({ force: true })).toBe('unknown');
		expect(failing.isAuthenticated).toBe(true);
	});

	it('the next good answer clears the network message', async () => {
		const fetchStatus = vi
			.fn<typeof fetch>()
			.mockRejectedValueOnce(new TypeError('Failed to fetch'))
			.mockResolvedValue(new Response(JSON.stringify(signedIn()), { status: 200 }));
		const session = new SessionStore(ada, fetchStatus);
		await session.check({ force: true });
		expect(session.error).toBe('StatusUnavailable');
		await session.check({ force: true });
		expect(session.error).toBeNull();
	});

	it('another user signed in elsewhere is not shown as this one until the page data says so', async () => {
		const grace = { status: 200, userId: 'user-grace', expires: ada.expires } as const;
		const session = new SessionStore(ada, server(grace));
		expect(await session.check({ force: true })).toBe('signed-in');
		expect(session.userId).toBe('user-grace');
		expect(session.isAuthenticated).toBe(false);

		session.seed({ ...ada, user: { ...ada.user, id: 'user-grace', name: 'Grace' } });
		expect(session.isAuthenticated).toBe(true);
		expect(session.user?.name).toBe('Grace');
	});

	it('re-seeding with the same page data is not a fresh answer', async () => {
		const fetchStatus = server(signedIn());
		const session = new SessionStore(ada, fetchStatus);
		vi.advanceTimersByTime(SESSION_STATUS_TTL_MS);
		session.seed(ada);
		expect(session.peek()).toBeUndefined();
		session.seed({ ...ada });
		expect(session.peek()).toBe('signed-in');
	});

	it('a 401 from its own fetch makes it ask the status at once', async () => {
		const fetchFn = vi.fn(async (input: RequestInfo | URL) =>
			input === PATHS.sessionStatus
				? new Response(JSON.stringify({ status: 401 }), { status: 401 })
				: new Response('Please sign in.', { status: 401 })
		);
		const session = new SessionStore(ada, fetchFn);
		expect((await session.fetch('/profile?/rename')).status).toBe(401);
		await vi.waitFor(() => expect(session.userId).toBeNull());
		expect(fetchFn).toHaveBeenCalledWith(PATHS.sessionStatus, { cache: 'no-store' });
	});

	it('says the session ends soon within 5 minutes of its end, and extending moves the end', async () => {
		const end = Date.now() + SESSION_EXPIRY_WARNING_MS + 1000;
		const later = new Date(end + 3_600_000).toISOString();
		const fetchFn = server(signedIn(later));
		const session = new SessionStore({ ...ada, expires: new Date(end).toISOString() }, fetchFn);
		expect(session.endsSoon()).toBe(false);
		vi.advanceTimersByTime(1000);
		expect(session.endsSoon()).toBe(true);

		await session.extend();
		expect(fetchFn).toHaveBeenCalledWith(PATHS.extendSession, { method: 'POST' });
		expect(session.expiresAt).toBe(Date.parse(later));
		expect(session.endsSoon()).toBe(false);
	});
});
