import { eq, inArray } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Database } from '../db';
import { maintenanceRuns, userSessions } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { revokeUserSession } from './revocation';
import { pruneUserSessions } from './session-retention';
import { checkUserSession, startUserSession } from './user-sessions';

const HOUR_MS = 60 * 60 * 1000;
const lifetime = { maxAgeSeconds: 30 * 24 * 3600, checkIntervalSeconds: 60 };

async function lastSeen(db: Database, id: string, at: Date) {
	await db.update(userSessions).set({ lastSeenAt: at }).where(eq(userSessions.id, id));
}

describeWithDatabases('pruning user_sessions', (app) => {
	it('deletes ended and expired sessions, keeps those a cookie may still name, at most once an hour', async () => {
		await app.db.delete(maintenanceRuns);
		const user = await createUser(app.db);
		const now = new Date();
		const [live, idle, expired, ended] = await Promise.all(
			Array.from({ length: 4 }, () => startUserSession(app.db, user.id, null))
		);
		// Idle for the cookie's whole life, but re-issued by a check up to an interval later.
		const cookieLifeMs = lifetime.maxAgeSeconds * 1000;
		await lastSeen(app.db, idle!, new Date(now.getTime() - cookieLifeMs - 30_000));
		await lastSeen(app.db, expired!, new Date(now.getTime() - cookieLifeMs - 61_000));
		await revokeUserSession(app, user.id, ended!, null);

		expect(await pruneUserSessions(app.db, lifetime, now)).toBeGreaterThanOrEqual(2);
		const left = await app.db
			.select({ id: userSessions.id })
			.from(userSessions)
			.where(inArray(userSessions.id, [live!, idle!, expired!, ended!]));
		expect(left.map(({ id }) => id).sort()).toEqual([live!, idle!].sort());

		// A cookie that names a deleted row is signed out, as a revoked one was.
		expect(await checkUserSession(app, { sub: user.id, sid: ended! }, 0, null)).toBeNull();

		// Within the hour nothing runs; an hour later it does.
		await revokeUserSession(app, user.id, live!, null);
		expect(
			await pruneUserSessions(app.db, lifetime, new Date(now.getTime() + HOUR_MS - 1))
		).toBeNull();
		// The revoked one, and the idle one, which has now been idle too long.
		expect(await pruneUserSessions(app.db, lifetime, new Date(now.getTime() + HOUR_MS))).toBe(2);
	});
});
