import { eq, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { userSessions } from '../db/schema';
import { revokeUserSession } from '../session/revocation';
import { startUserSession } from '../session/user-sessions';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { countActiveSessions, throttleReads } from './active-sessions';

const MINUTE_MS = 60_000;

describe('a value read at most once a minute', () => {
	it('reads once per interval however often it is asked, and concurrent asks share the read', async () => {
		let time = 0;
		let stored = 7;
		const read = vi.fn(async () => stored);
		const ask = throttleReads(read, MINUTE_MS, () => time);

		expect(await Promise.all([ask(), ask(), ask()])).toEqual([7, 7, 7]);
		stored = 8;
		time += MINUTE_MS - 1;
		expect(await ask()).toBe(7);
		time += 1;
		expect(await ask()).toBe(8);
		expect(read).toHaveBeenCalledTimes(2);
	});

	it('keeps the last value when a read fails, and tries again only a minute later', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		let time = 0;
		const read = vi.fn(async () => 3);
		const ask = throttleReads(read, MINUTE_MS, () => time);
		expect(await ask()).toBe(3);

		read.mockRejectedValue(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }));
		time += MINUTE_MS;
		expect(await ask()).toBe(3);
		time += 1_000;
		expect(await ask()).toBe(3);
		expect(read).toHaveBeenCalledTimes(2);
		expect(console.warn).toHaveBeenCalledWith(
			'[metrics] active sessions not counted: ECONNREFUSED'
		);
		vi.restoreAllMocks();
	});

	it('answers null until a first read succeeds', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const ask = throttleReads(
			() => Promise.reject(new Error('down')),
			MINUTE_MS,
			() => 0
		);
		expect(await ask()).toBeNull();
		vi.restoreAllMocks();
	});
});

describeWithDatabases('counting the active sessions', (app) => {
	const MAX_AGE_SECONDS = 3600;

	it('counts sessions neither revoked nor idle past the max age, of every user', async () => {
		const before = await countActiveSessions(app.db, MAX_AGE_SECONDS);
		const [user, other] = [await createUser(app.db), await createUser(app.db)];
		await startUserSession(app.db, user.id, null);
		await startUserSession(app.db, other.id, null);
		const revoked = await startUserSession(app.db, user.id, null);
		await revokeUserSession(app, user.id, revoked, null);
		const idle = await startUserSession(app.db, other.id, null);
		await app.db
			.update(userSessions)
			.set({ lastSeenAt: sql`now() - interval '2 hours'` })
			.where(eq(userSessions.id, idle));

		expect(await countActiveSessions(app.db, MAX_AGE_SECONDS)).toBe(before + 2);
	});
});
