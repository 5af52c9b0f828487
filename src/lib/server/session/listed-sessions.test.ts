import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { userSessions } from '../db/schema';
import { listAuditEvents, recordAuditEvent } from '../audit/audit-log';
import { buildServices } from '../app/create-app';
import { readConfig } from '../app/read-config';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import {
	loadAccountSessions,
	revokeListedSession,
	revokeOtherListedSessions
} from './listed-sessions';
import { startUserSession, touchUserSession } from './user-sessions';

const client = { ip: '192.0.2.8', userAgent: 'Firefox on Linux' };

describeWithDatabases(
	'/account/sessions',
	(app) => {
		it('lists the live sessions with this one marked', async () => {
			const user = await createUser(app.db);
			const [current, other] = [
				await startUserSession(app.db, user.id, client),
				await startUserSession(app.db, user.id, client)
			];

			const { sessions } = await loadAccountSessions(app, user.id, current);

			expect(sessions.map(({ id, current }) => ({ id, current }))).toEqual(
				expect.arrayContaining([
					{ id: current, current: true },
					{ id: other, current: false }
				])
			);
			expect(sessions[0]).toMatchObject({ device: 'Firefox on Linux', ip: client.ip });
		});

		it('ends another listed session and logs it', async () => {
			const user = await createUser(app.db);
			const [current, other] = [
				await startUserSession(app.db, user.id, null),
				await startUserSession(app.db, user.id, null)
			];

			expect(await revokeListedSession(app, user.id, other, current, client)).toEqual({
				ok: true,
				revoked: 1
			});

			const { sessions, events } = await loadAccountSessions(app, user.id, current);
			expect(sessions.map(({ id }) => id)).toEqual([current]);
			expect(events).toMatchObject([{ event: 'session_revoked', device: 'Firefox on Linux' }]);
		});

		it('refuses no session, this session and an ended one, each with its reason', async () => {
			const user = await createUser(app.db);
			const current = await startUserSession(app.db, user.id, null);

			expect(await revokeListedSession(app, user.id, null, current, client)).toEqual({
				ok: false,
				status: 400,
				error: 'No session chosen.'
			});
			expect(await revokeListedSession(app, user.id, current, current, client)).toEqual({
				ok: false,
				status: 400,
				error: 'To end this session, sign out.'
			});
			expect(await revokeListedSession(app, user.id, 'no-such-session', current, client)).toEqual({
				ok: false,
				status: 404,
				error: 'That session has already ended.'
			});
			expect(await listAuditEvents(app.db, user.id)).toEqual([]);
		});

		it('limits the revocations that end a session, per session, whichever form they come from', async () => {
			const [user, other] = [await createUser(app.db), await createUser(app.db)];
			const current = await startUserSession(app.db, user.id, null);
			for (let i = 0; i < 2; i++) {
				const listed = await startUserSession(app.db, user.id, null);
				expect(await revokeListedSession(app, user.id, listed, current, client)).toMatchObject({
					ok: true
				});
			}
			const listed = await startUserSession(app.db, user.id, null);
			expect(await revokeOtherListedSessions(app, user.id, current, client)).toEqual({
				ok: true,
				revoked: 1
			});

			const another = await startUserSession(app.db, user.id, null);
			expect(await revokeListedSession(app, user.id, another, current, client)).toEqual({
				ok: false,
				status: 429,
				error: expect.stringMatching(/^Too many attempts\. Try again in \d+ seconds?\.$/)
			});
			expect(await revokeOtherListedSessions(app, user.id, current, client)).toMatchObject({
				status: 429
			});
			// Still live, and another user is not held back.
			const live = (await loadAccountSessions(app, user.id, current)).sessions.map(({ id }) => id);
			expect(live.sort()).toEqual([current, another].sort());
			expect(live).not.toContain(listed);
			const theirs = await startUserSession(app.db, other.id, null);
			expect(await revokeOtherListedSessions(app, other.id, theirs, client)).toMatchObject({
				ok: true
			});
		});

		it('a second live session spends the budget on bogus revocations, and the first still ends it', async () => {
			const user = await createUser(app.db);
			const [owner, thief] = [
				await startUserSession(app.db, user.id, client),
				await startUserSession(app.db, user.id, client)
			];
			// Made-up ids, well past the limit of 3: each answers 404.
			for (let i = 0; i < 10; i++) {
				expect(
					await revokeListedSession(app, user.id, `made-up-${i}`, thief, client)
				).toMatchObject({
					status: 404
				});
			}

			expect(await revokeOtherListedSessions(app, user.id, owner, client)).toEqual({
				ok: true,
				revoked: 1
			});
			const { sessions } = await loadAccountSessions(app, user.id, owner);
			expect(sessions.map(({ id }) => id)).toEqual([owner]);
		});

		it('a revocation that ends nothing costs nothing', async () => {
			const user = await createUser(app.db);
			const current = await startUserSession(app.db, user.id, null);
			for (let i = 0; i < 10; i++) {
				expect(
					await revokeListedSession(app, user.id, `made-up-${i}`, current, client)
				).toMatchObject({
					status: 404
				});
				expect(await revokeOtherListedSessions(app, user.id, current, client)).toEqual({
					ok: true,
					revoked: 0
				});
			}

			const other = await startUserSession(app.db, user.id, null);
			expect(await revokeListedSession(app, user.id, other, current, client)).toEqual({
				ok: true,
				revoked: 1
			});
		});

		it('shows where each session was last used beside where it signed in, and marks a change', async () => {
			const user = await createUser(app.db);
			const moved = await startUserSession(app.db, user.id, client);
			const stayed = await startUserSession(app.db, user.id, client);
			await touchUserSession(app, moved, user.id, {
				ip: '198.51.100.7',
				userAgent: 'Chrome on Windows'
			});
			await touchUserSession(app, stayed, user.id, client);

			const { sessions } = await loadAccountSessions(app, user.id, stayed);

			expect(sessions.find(({ id }) => id === moved)).toMatchObject({
				device: 'Firefox on Linux',
				ip: client.ip,
				lastDevice: 'Chrome on Windows',
				lastIp: '198.51.100.7',
				moved: true
			});
			expect(sessions.find(({ id }) => id === stayed)).toMatchObject({
				lastDevice: 'Firefox on Linux',
				lastIp: client.ip,
				moved: false
			});
		});

		it('a session from before the last browser and address were recorded shows no change', async () => {
			const user = await createUser(app.db);
			const id = await startUserSession(app.db, user.id, client);
			await app.db
				.update(userSessions)
				.set({ lastIp: null, lastUserAgent: null })
				.where(eq(userSessions.id, id));

			const { sessions } = await loadAccountSessions(app, user.id, undefined);

			expect(sessions).toMatchObject([
				{ id, lastDevice: 'Firefox on Linux', lastIp: client.ip, moved: false }
			]);
		});

		it('names a provider in an event as the pages do, and leaves other details as they are', async () => {
			const keycloak = buildServices(
				readConfig({
					AUTH_SECRET: 'listed-sessions-test-secret-0123456789abcdefghijklmnop',
					AUTH_TRUST_HOST: 'true',
					AUTH_OIDC_ISSUER: 'https://keycloak.example.com/realms/acme/',
					AUTH_OIDC_ID: 'latchkey',
					AUTH_OIDC_SECRET: 'oidc-client-secret',
					AUTH_OIDC_NAME: 'Keycloak'
				}),
				app.database
			);
			const user = await createUser(app.db);
			await recordAuditEvent(app.db, user.id, 'sign_in', client, 'oidc');
			await recordAuditEvent(app.db, user.id, 'session_revoked', client, '2 sessions');

			const { events } = await loadAccountSessions(keycloak, user.id, undefined);

			expect(events.map(({ detail }) => detail)).toEqual(['2 sessions', 'Keycloak']);
		});
	},
	// 3 revocations per user per minute here.
	{ env: () => ({ AUTH_ACTION_RATE_LIMIT: '3' }) }
);
