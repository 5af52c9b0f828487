import { expect, it } from 'vitest';
import { endUserSession } from '../session/revocation';
import { continueOrStartSession, startUserSession } from '../session/user-sessions';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { readMetric } from '../testing/metrics';

const signIns = (provider: string) => readMetric('latchkey_sign_ins_total', { provider });
const signOuts = () => readMetric('latchkey_sign_outs_total');

describeWithDatabases('sign-in and sign-out metrics', (app) => {
	it('a sign-in counts once for its provider; connecting another provider is no sign-in', async () => {
		const user = await createUser(app.db);
		const [github, google] = [await signIns('github'), await signIns('google')];

		const sid = await continueOrStartSession(app, user.id, null, 'github', null);
		await continueOrStartSession(app, user.id, { sub: user.id, sid }, 'google', null);

		expect(await signIns('github')).toBe(github + 1);
		expect(await signIns('google')).toBe(google);
	});

	it('signing out counts once, however many times the session is ended', async () => {
		const user = await createUser(app.db);
		const sid = await continueOrStartSession(app, user.id, null, 'github', null);
		// Note: another live session, so that signing out keeps the provider tokens.
		await startUserSession(app.db, user.id, null);
		const before = await signOuts();

		// /signout ends the session, then Auth.js's signOut event tries again.
		await endUserSession(app, user.id, sid, null);
		await endUserSession(app, user.id, sid, null);

		expect(await signOuts()).toBe(before + 1);
	});
});
