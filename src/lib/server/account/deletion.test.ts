import { and, eq, isNull } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Database } from '../db';
import { auditEvents } from '../db/schema';
import { listUserSessions, startUserSession } from '../session/user-sessions';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { linkAccountWithTokens, useLocalIdp } from '../testing/provider-accounts';
import { findAccount } from '../tokens/accounts';
import { listAuditEvents, recordAuditEvent } from '../audit/audit-log';
import { deleteAccount } from './deletion';
import { findProfile } from './profile';

const local = useLocalIdp();

let clients = 0;
/** A client of its own, so that a test finds the events it caused among everyone's. */
function uniqueClient() {
	return { ip: `198.51.100.${++clients}`, userAgent: 'Firefox on Linux' };
}

function deletionsFrom(db: Database, ip: string) {
	return db
		.select()
		.from(auditEvents)
		.where(and(eq(auditEvents.event, 'account_deleted'), eq(auditEvents.ip, ip)));
}

describeWithDatabases(
	'deleteAccount',
	(app) => {
		it('deletes the user with their accounts, tokens, sessions and audit log, and no one else', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github', { expiresIn: 3600 });
			const { user: other } = await linkAccountWithTokens(app, local, 'github', {
				expiresIn: 3600
			});
			for (const owner of [user, other]) {
				await startUserSession(app.db, owner.id, null);
				await recordAuditEvent(app.db, owner.id, 'sign_in', null, 'github');
			}

			await deleteAccount(app, user.id, uniqueClient());

			expect(await findProfile(app.db, user.id)).toBeNull();
			expect(await findAccount(app.db, user.id, 'github')).toBeNull();
			expect(await listUserSessions(app.db, user.id)).toEqual([]);
			expect(await listAuditEvents(app.db, user.id)).toEqual([]);
			expect(await findAccount(app.db, other.id, 'github')).not.toBeNull();
			expect(await listUserSessions(app.db, other.id)).toHaveLength(1);
			expect(await listAuditEvents(app.db, other.id)).toHaveLength(1);
		});

		it('records account_deleted, which outlives the user without saying whose it was', async () => {
			const user = await createUser(app.db);
			await recordAuditEvent(app.db, user.id, 'sign_in', null, 'github');
			const client = uniqueClient();

			await deleteAccount(app, user.id, client);

			const events = await deletionsFrom(app.db, client.ip);
			expect(events).toMatchObject([{ userId: null, detail: null, ...client }]);
			expect(events[0]!.at.getTime()).toBeGreaterThan(Date.now() - 60_000);
			// The user's own trail went with them: no other event is left without its user.
			const orphans = await app.db
				.select()
				.from(auditEvents)
				.where(and(isNull(auditEvents.userId), eq(auditEvents.event, 'sign_in')));
			expect(orphans).toEqual([]);
		});

		it("revokes the deleted account's tokens at the provider", async () => {
			const { user, tokens } = await linkAccountWithTokens(app, local, 'github', {
				expiresIn: 3600
			});
			const callApi = () =>
				fetch(`${local.idp.github.baseUrl}/api/v3/user`, {
					headers: { authorization: `Bearer ${tokens.access_token}` }
				});
			expect((await callApi()).status).toBe(200);

			await deleteAccount(app, user.id, null);

			expect((await callApi()).status).toBe(401);
		});

		it('records nothing for a user that does not exist', async () => {
			const client = uniqueClient();
			await deleteAccount(app, 'no-such-user', client);
			expect(await deletionsFrom(app.db, client.ip)).toEqual([]);
		});
	},
	{ env: () => local.env }
);
