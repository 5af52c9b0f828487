import { expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit-log';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { revokeOtherUserSessions, revokeUserSession } from './revocation';
import { listUserSessions, startUserSession } from './user-sessions';

const client = { ip: '192.0.2.7', userAgent: 'Brave on Android' };

describeWithDatabases('revoking sessions', (app) => {
	it('revoking a session logs session_revoked with who asked; an ended one logs nothing', async () => {
		const user = await createUser(app.db);
		const sid = await startUserSession(app.db, user.id, null);

		expect(await revokeUserSession(app, user.id, sid, client)).toBe(true);
		expect(await revokeUserSession(app, user.id, sid, client)).toBe(false);

		expect(await listUserSessions(app.db, user.id)).toEqual([]);
		const events = await listAuditEvents(app.db, user.id);
		expect(events).toMatchObject([{ event: 'session_revoked', detail: null, ...client }]);
	});

	it("a session of someone else is not revoked, and nobody's log changes", async () => {
		const [user, other] = [await createUser(app.db), await createUser(app.db)];
		const othersSid = await startUserSession(app.db, other.id, null);

		expect(await revokeUserSession(app, user.id, othersSid, client)).toBe(false);

		expect(await listUserSessions(app.db, other.id)).toHaveLength(1);
		expect(await listAuditEvents(app.db, user.id)).toEqual([]);
		expect(await listAuditEvents(app.db, other.id)).toEqual([]);
	});

	it('"sign out everywhere else" keeps this session and logs one event with the count', async () => {
		const user = await createUser(app.db);
		const kept = await startUserSession(app.db, user.id, null);
		await startUserSession(app.db, user.id, null);
		await startUserSession(app.db, user.id, null);

		expect(await revokeOtherUserSessions(app, user.id, kept, client)).toBe(2);
		expect(await revokeOtherUserSessions(app, user.id, kept, client)).toBe(0);

		expect((await listUserSessions(app.db, user.id)).map(({ id }) => id)).toEqual([kept]);
		const events = await listAuditEvents(app.db, user.id);
		expect(events).toMatchObject([{ event: 'session_revoked', detail: '2 sessions', ...client }]);
	});
});
