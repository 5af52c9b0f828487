import { expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit-log';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { revokeUserSession } from './revocation';
import { continueOrStartSession, listUserSessions, startUserSession } from './user-sessions';

const client = { ip: '198.51.100.4', userAgent: 'Chrome on Linux' };

describeWithDatabases('the session of a completed OAuth sign-in', (app) => {
	it('linking while signed in keeps the live session and records no sign-in', async () => {
		const user = await createUser(app.db);
		const sid = await startUserSession(app.db, user.id, client);

		const continued = await continueOrStartSession(
			app,
			user.id,
			{ sub: user.id, sid },
			'google',
			client
		);

		expect(continued).toBe(sid);
		expect((await listUserSessions(app.db, user.id)).map(({ id }) => id)).toEqual([sid]);
		expect(await listAuditEvents(app.db, user.id)).toEqual([]);
	});

	it('a signed-out sign-in starts a new session and records the sign-in', async () => {
		const user = await createUser(app.db);

		const sid = await continueOrStartSession(app, user.id, null, 'github', client);

		expect((await listUserSessions(app.db, user.id)).map(({ id }) => id)).toEqual([sid]);
		const events = await listAuditEvents(app.db, user.id);
		expect(events).toMatchObject([{ event: 'sign_in', detail: 'github', ...client }]);
	});

	it("another user's cookie or a revoked session does not carry over", async () => {
		const user = await createUser(app.db);
		const other = await createUser(app.db);
		const othersSid = await startUserSession(app.db, other.id, client);
		const revokedSid = await startUserSession(app.db, user.id, client);
		await revokeUserSession(app, user.id, revokedSid, null);

		const afterOther = await continueOrStartSession(
			app,
			user.id,
			{ sub: other.id, sid: othersSid },
			'github',
			client
		);
		const afterRevoked = await continueOrStartSession(
			app,
			user.id,
			{ sub: user.id, sid: revokedSid },
			'github',
			client
		);

		expect([othersSid, revokedSid]).not.toContain(afterOther);
		expect([othersSid, revokedSid, afterOther]).not.toContain(afterRevoked);
		expect(await listUserSessions(app.db, user.id)).toHaveLength(2);
		expect(await listUserSessions(app.db, other.id)).toHaveLength(1);
	});
});
