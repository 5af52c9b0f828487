import { expect, it } from 'vitest';
import { listAuditEvents } from '../account/audit';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { revokeOtherUserSessions, revokeUserSession } from './revocation';
import { listUserSessions, startUserSession } from './user-sessions';

const client = { ip: '192.0.2.7', userAgent: 'Brave on Android' };

describeWithDatabases('revoking sessions', () => {
	it('revoking a session logs session_revoked with who asked; an ended one logs nothing', async () => {
		const user = await createUser();
		const sid = await startUserSession(user.id, null);

		expect(await revokeUserSession(user.id, sid, client)).toBe(true);
		expect(await revokeUserSession(user.id, sid, client)).toBe(false);

		expect(await listUserSessions(user.id)).toEqual([]);
		const events = await listAuditEvents(user.id);
		expect(events).toMatchObject([{ event: 'session_revoked', detail: null, ...client }]);
	});

	it("a session of someone else is not revoked, and nobody's log changes", async () => {
		const [user, other] = [await createUser(), await createUser()];
		const othersSid = await startUserSession(other.id, null);

		expect(await revokeUserSession(user.id, othersSid, client)).toBe(false);

		expect(await listUserSessions(other.id)).toHaveLength(1);
		expect(await listAuditEvents(user.id)).toEqual([]);
		expect(await listAuditEvents(other.id)).toEqual([]);
	});

	it('"sign out everywhere else" keeps this session and logs one event with the count', async () => {
		const user = await createUser();
		const kept = await startUserSession(user.id, null);
		await startUserSession(user.id, null);
		await startUserSession(user.id, null);

		expect(await revokeOtherUserSessions(user.id, kept, client)).toBe(2);
		expect(await revokeOtherUserSessions(user.id, kept, client)).toBe(0);

		expect((await listUserSessions(user.id)).map(({ id }) => id)).toEqual([kept]);
		const events = await listAuditEvents(user.id);
		expect(events).toMatchObject([{ event: 'session_revoked', detail: '2 sessions', ...client }]);
	});
});
