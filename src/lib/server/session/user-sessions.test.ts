import { expect, it } from 'vitest';
import { listAuditEvents } from '../account/audit';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { revokeUserSession } from './revocation';
import { continueOrStartSession, listUserSessions, startUserSession } from './user-sessions';

const client = { ip: '198.51.100.4', userAgent: 'Chrome on Linux' };

describeWithDatabases('the session of a completed OAuth sign-in', () => {
	it('linking while signed in keeps the live session and records no sign-in', async () => {
		const user = await createUser();
		const sid = await startUserSession(user.id, client);

		const continued = await continueOrStartSession(
			user.id,
			{ sub: user.id, sid },
			'google',
			client
		);

		expect(continued).toBe(sid);
		expect((await listUserSessions(user.id)).map(({ id }) => id)).toEqual([sid]);
		expect(await listAuditEvents(user.id)).toEqual([]);
	});

	it('a signed-out sign-in starts a new session and records the sign-in', async () => {
		const user = await createUser();

		const sid = await continueOrStartSession(user.id, null, 'github', client);

		expect((await listUserSessions(user.id)).map(({ id }) => id)).toEqual([sid]);
		const events = await listAuditEvents(user.id);
		expect(events).toMatchObject([{ event: 'sign_in', detail: 'github', ...client }]);
	});

	it("another user's cookie or a revoked session does not carry over", async () => {
		const user = await createUser();
		const other = await createUser();
		const othersSid = await startUserSession(other.id, client);
		const revokedSid = await startUserSession(user.id, client);
		await revokeUserSession(user.id, revokedSid, null);

		const afterOther = await continueOrStartSession(
			user.id,
			{ sub: other.id, sid: othersSid },
			'github',
			client
		);
		const afterRevoked = await continueOrStartSession(
			user.id,
			{ sub: user.id, sid: revokedSid },
			'github',
			client
		);

		expect([othersSid, revokedSid]).not.toContain(afterOther);
		expect([othersSid, revokedSid, afterOther]).not.toContain(afterRevoked);
		expect(await listUserSessions(user.id)).toHaveLength(2);
		expect(await listUserSessions(other.id)).toHaveLength(1);
	});
});
