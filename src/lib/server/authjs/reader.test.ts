import type { JWT } from '@auth/core/jwt';
import type { RequestEvent } from '@sveltejs/kit';
import * as jose from 'jose';
import { afterAll, afterEach, beforeAll, expect, it, onTestFinished, vi } from 'vitest';
import { handle as authHandle } from '../../../auth';
import { buildServices, type Services } from '../app/create-app';
import { readConfig } from '../app/read-config';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { memoizeSession } from './memoize-session';
import { createSessionCodec } from './codec';
import { revokeUserSession } from '../session/revocation';
import { startUserSession } from '../session/user-sessions';

vi.mock('jose', async (importOriginal) => {
	const actual = await importOriginal<typeof import('jose')>();
	return { ...actual, jwtDecrypt: vi.fn(actual.jwtDecrypt) };
});

const ORIGIN = 'http://127.0.0.1:5173';
const COOKIE = 'authjs.session-token';
const env = vi.hoisted(() => ({
	AUTH_SECRET: 'hooks-test-secret-0123456789abcdefghijklmnop',
	AUTH_TRUST_HOST: 'true',
	AUTH_GITHUB_ID: 'hooks-test-client',
	AUTH_GITHUB_SECRET: 'hooks-test-client-secret',
	AUTH_SESSION_UPDATE_AGE: '3600',
	AUTH_SESSION_CHECK_SECONDS: '600',
	AUTH_SESSION_ABSOLUTE_MAX_AGE: '7200'
}));
// @auth/sveltekit reads its defaults from $env/dynamic/private: this env, not the shell's.
vi.mock('$env/dynamic/private', () => ({ env }));
const UPDATE_AGE_SECONDS = Number(env.AUTH_SESSION_UPDATE_AGE);
const CHECK_SECONDS = Number(env.AUTH_SESSION_CHECK_SECONDS);
const ABSOLUTE_MAX_AGE_SECONDS = Number(env.AUTH_SESSION_ABSOLUTE_MAX_AGE);

interface CookieOptions {
	/** When the cookie was issued. */
	ageSeconds?: number;
	/** When its session was last found live; defaults to when it was issued. */
	checkedSecondsAgo?: number;
	/** When its browser signed in at the provider; defaults to when it was issued. */
	signedInSecondsAgo?: number;
	sid?: string;
	/** When its GitHub access token expires, in seconds from now (default 8 hours). */
	tokenExpiresIn?: number;
	providerAccountId?: string;
}

/** A session cookie for `userId` issued by another instance (so not in this one's cache). */
async function sessionCookie(userId: string, options: CookieOptions = {}): Promise<string> {
	const { ageSeconds = 0, checkedSecondsAgo = ageSeconds, sid = 'no-such-session' } = options;
	const { signedInSecondsAgo = ageSeconds, tokenExpiresIn = 8 * 3600 } = options;
	const { providerAccountId = '1' } = options;
	const now = Math.floor(Date.now() / 1000);
	const issuedAt = now - ageSeconds;
	const claims: JWT = {
		sub: userId,
		name: 'Ada',
		accounts: [{ provider: 'github', providerAccountId, expiresAt: now + tokenExpiresIn }],
		sid,
		sidCheckedAt: now - checkedSecondsAgo,
		authAt: now - signedInSecondsAgo
	};
	vi.useFakeTimers({ now: issuedAt * 1000, toFake: ['Date'] });
	const token = await createSessionCodec().encode({
		token: claims,
		secret: env.AUTH_SECRET,
		salt: COOKIE
	});
	vi.useRealTimers();
	return token;
}

/**
 * Runs one request to the app `services` through the hooks; `loads` stands for the page's loads,
 * each reading the session.
 */
async function request(
	services: Services,
	path: string,
	cookie: string | undefined,
	loads: number,
	read = (locals: App.Locals) => locals.auth()
) {
	const jar = new Map(cookie === undefined ? [] : [[COOKIE, cookie]]);
	const written: string[] = [];
	const cookies = {
		get: (name: string) => jar.get(name),
		getAll: () => [...jar].map(([name, value]) => ({ name, value })),
		set: (name: string, value: string) => {
			written.push(name);
			jar.set(name, value);
		},
		delete: (name: string) => {
			written.push(name);
			jar.delete(name);
		},
		serialize: () => ''
	};
	const url = new URL(path, ORIGIN);
	const headers: Record<string, string> =
		cookie === undefined ? {} : { cookie: `${COOKIE}=${cookie}` };
	const event = {
		url,
		request: new Request(url, { headers }),
		getClientAddress: () => '127.0.0.1',
		cookies,
		locals: { app: services },
		route: { id: path }
	} as unknown as RequestEvent;
	const sessions: unknown[] = [];
	const resolve = async (event: RequestEvent) => {
		for (let i = 0; i < loads; i++) sessions.push(await read(event.locals));
		return new Response('page');
	};
	// The two handles in the order hooks.server.ts runs them.
	await authHandle({ event, resolve: (event) => memoizeSession({ event, resolve }) });
	return { sessions, written, cookie: jar.get(COOKIE) };
}

describeWithDatabases('reading the session in hooks and loads', (app) => {
	// The app as env configures it, over the suite's database: its codec's decodes are counted.
	let services: Services;
	beforeAll(() => {
		services = buildServices(readConfig(env), app.database);
		vi.spyOn(services.session.codec, 'decode');
		vi.spyOn(services.session.codec, 'encode');
	});
	afterEach(() => {
		vi.mocked(services.session.codec.decode).mockClear();
		vi.mocked(services.session.codec.encode).mockClear();
		vi.mocked(jose.jwtDecrypt).mockClear();
	});
	afterAll(() => services.rotator.drain());

	/** A new user with a live session, as a sign-in leaves them. */
	async function signedInUser() {
		const user = await createUser(app.db);
		return { user, sid: await startUserSession(app.db, user.id, null) };
	}

	it('3 loads calling locals.auth() make exactly 1 decode and 1 decryption', async () => {
		const { sessions } = await request(services, '/', await sessionCookie('user-1'), 3);

		expect(services.session.codec.decode).toHaveBeenCalledTimes(1);
		expect(jose.jwtDecrypt).toHaveBeenCalledTimes(1);
		expect(sessions).toHaveLength(3);
		for (const session of sessions) expect(session).toMatchObject({ user: { id: 'user-1' } });
	});

	it("locals.getSession(), Auth.js's older name, is the same memoized read", async () => {
		const cookie = await sessionCookie('user-1');
		const { sessions } = await request(services, '/', cookie, 3, (locals) => locals.getSession());

		expect(services.session.codec.decode).toHaveBeenCalledTimes(1);
		expect(sessions).toHaveLength(3);
		for (const session of sessions) expect(session).toMatchObject({ user: { id: 'user-1' } });
	});

	it('a request that changes nothing sends no Set-Cookie', async () => {
		const cookie = await sessionCookie('user-1', {
			ageSeconds: UPDATE_AGE_SECONDS - 60,
			checkedSecondsAgo: CHECK_SECONDS - 60
		});
		const { written, sessions } = await request(services, '/', cookie, 2);

		expect(sessions[0]).toMatchObject({ user: { name: 'Ada' } });
		expect(written).toEqual([]);
	});

	it('a session past its renewal age is re-issued once, with 1 decryption', async () => {
		const { user, sid } = await signedInUser();
		const old = await sessionCookie(user.id, {
			sid,
			ageSeconds: UPDATE_AGE_SECONDS + 60,
			checkedSecondsAgo: 0
		});
		const { written, cookie, sessions } = await request(services, '/', old, 2);

		expect(written.filter((name) => name === COOKIE)).toHaveLength(1);
		expect(cookie).not.toBe(old);
		expect(sessions[1]).toMatchObject({ user: { id: user.id }, sessionId: sid });
		expect(jose.jwtDecrypt).toHaveBeenCalledTimes(1);
	});

	it('requests that carry the same cookie at the same time make one pass through Auth.js', async () => {
		const { user, sid } = await signedInUser();
		const old = await sessionCookie(user.id, {
			sid,
			ageSeconds: UPDATE_AGE_SECONDS + 60,
			checkedSecondsAgo: CHECK_SECONDS + 1
		});
		const together = await Promise.all([1, 2, 3].map(() => request(services, '/', old, 1)));

		// One cookie sealed, re-issued by one of them; each has the session.
		expect(services.session.codec.encode).toHaveBeenCalledTimes(1);
		const reissued = together.map(({ written }) => written.filter((name) => name === COOKIE));
		expect(reissued.map((names) => names.length).sort()).toEqual([0, 0, 1]);
		for (const { sessions } of together) {
			expect(sessions[0]).toMatchObject({ user: { id: user.id }, sessionId: sid });
		}
		// Nothing is kept once the read has ended: the same cookie later takes a pass of its own.
		expect((await request(services, '/', old, 1)).written).toContain(COOKIE);
		expect(services.session.codec.encode).toHaveBeenCalledTimes(2);
	});

	it('a token due but still valid is refreshed in the background from the cookie alone, and a later request takes the outcome', async () => {
		const { user, sid } = await signedInUser();
		// Due (in its last seconds), and never stored: its refresh finds the account unlinked.
		const cookie = await sessionCookie(user.id, {
			sid,
			tokenExpiresIn: 10,
			providerAccountId: `due-${user.id}`
		});
		const ensureFresh = vi.spyOn(services.rotator, 'ensureFresh');
		onTestFinished(() => ensureFresh.mockRestore());

		const first = await request(services, '/', cookie, 2);
		expect(first.sessions[0]).toMatchObject({ user: { id: user.id }, providers: ['github'] });
		expect(first.written).toEqual([]);
		expect(ensureFresh).toHaveBeenCalledTimes(1);
		expect(services.session.codec.encode).not.toHaveBeenCalled();

		await services.rotator.drain();
		const second = await request(services, '/', cookie, 1);
		expect(second.written).toContain(COOKIE);
		expect(second.sessions[0]).toMatchObject({ user: { id: user.id }, providers: [] });
	});

	it('a live session is checked once its interval has passed, and the new cookie records it', async () => {
		const { user, sid } = await signedInUser();
		const due = await sessionCookie(user.id, { sid, checkedSecondsAgo: CHECK_SECONDS + 1 });
		const first = await request(services, '/', due, 2);
		expect(first.sessions[0]).toMatchObject({ user: { id: user.id } });
		expect(first.written.filter((name) => name === COOKIE)).toHaveLength(1);

		// The re-issued cookie is not due again: no database, no Set-Cookie.
		const second = await request(services, '/', first.cookie, 1);
		expect(second.sessions[0]).toMatchObject({ user: { id: user.id } });
		expect(second.written).toEqual([]);
	});

	it('a client that replays a cookie past its check interval is checked once per interval, not per request', async () => {
		const { user, sid } = await signedInUser();
		const replayed = await sessionCookie(user.id, { sid, checkedSecondsAgo: CHECK_SECONDS + 1 });
		expect((await request(services, '/', replayed, 1)).written).toContain(COOKIE);

		// It never stored the re-issued cookie: this process remembers the check anyway.
		for (let i = 0; i < 3; i++) {
			const again = await request(services, '/', replayed, 1);
			expect(again.sessions[0]).toMatchObject({ user: { id: user.id }, sessionId: sid });
			expect(again.written).toEqual([]);
		}
	});

	it('a revoked session is signed out at its next check, and its cookie cleared', async () => {
		const { user, sid } = await signedInUser();
		const cookie = await sessionCookie(user.id, { sid, checkedSecondsAgo: CHECK_SECONDS - 1 });
		expect((await request(services, '/', cookie, 1)).sessions[0]).not.toBeNull();

		// Revoked in this process (whose memo of sessions found live forgets it), as the app's
		// sessions page does; another instance learns of it at its next check.
		expect(await revokeUserSession(services, user.id, sid, null)).toBe(true);
		// Within the interval the cookie alone still answers; once it passes, the row decides.
		vi.useFakeTimers({ now: Date.now() + 2_000, toFake: ['Date'] });
		const { sessions, written, cookie: after } = await request(services, '/', cookie, 2);
		vi.useRealTimers();
		expect(sessions).toEqual([null, null]);
		expect(written).toContain(COOKIE);
		expect(after).toBeFalsy();
	});

	it('a cookie without a known session is signed out at its first check', async () => {
		const user = await createUser(app.db);
		const cookie = await sessionCookie(user.id, { checkedSecondsAgo: CHECK_SECONDS });
		expect((await request(services, '/', cookie, 1)).sessions[0]).toBeNull();
	});

	it('a session used every second still ends at its absolute end, and no cookie outlives it', async () => {
		const { user, sid } = await signedInUser();
		// Signed in at the provider 5 s before the absolute end; its cookie due for renewal.
		let cookie = await sessionCookie(user.id, {
			sid,
			ageSeconds: UPDATE_AGE_SECONDS + 1,
			checkedSecondsAgo: 0,
			signedInSecondsAgo: ABSOLUTE_MAX_AGE_SECONDS - 5
		});
		// Note: from the cookie's own sign-in time, which a second boundary may separate from now.
		const { authAt } = (await services.session.codec.decode({
			token: cookie,
			secret: env.AUTH_SECRET,
			salt: COOKIE
		}))!;
		const end = Number(authAt) + ABSOLUTE_MAX_AGE_SECONDS;
		const seen: [number, boolean][] = [];
		try {
			for (let second = 0; second < 8; second++) {
				vi.useFakeTimers({ now: Date.now() + (second === 0 ? 0 : 1_000), toFake: ['Date'] });
				const { sessions, cookie: after } = await request(services, '/', cookie, 1);
				seen.push([Math.floor(Date.now() / 1000) - end, sessions[0] !== null]);
				// Signed out: Auth.js clears the cookie.
				if (!after) break;
				const claims = await services.session.codec.decode({
					token: after,
					secret: env.AUTH_SECRET,
					salt: COOKIE
				});
				expect(claims!.exp).toBeLessThanOrEqual(end);
				cookie = after;
			}
		} finally {
			vi.useRealTimers();
		}
		// Live until the end, signed out from then on, whatever the activity.
		expect(seen.filter(([, live]) => live).every(([toEnd]) => toEnd < 0)).toBe(true);
		expect(seen.some(([toEnd, live]) => toEnd < 0 && live)).toBe(true);
		expect(seen.at(-1)).toEqual([expect.any(Number), false]);
		expect(seen.at(-1)![0]).toBeGreaterThanOrEqual(0);
	});

	it('a request with no session cookie is signed out, with no decode and no Set-Cookie', async () => {
		const { written, sessions } = await request(services, '/', undefined, 2);

		expect(sessions).toEqual([null, null]);
		expect(services.session.codec.decode).not.toHaveBeenCalled();
		expect(written).toEqual([]);
	});
});
