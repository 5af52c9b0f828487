import { isRedirect, type RequestEvent } from '@sveltejs/kit';
import { expect, it } from 'vitest';
import type { Services } from '../app/create-app';
import { accounts } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { buildAccount, createUser } from '../testing/factories';
import { checkProviderSignIn } from './fresh-links';
import { readSensitiveActionInput } from '../web/require-user';
import { startUserSession } from './user-sessions';

const FRESH_AGE_SECONDS = 600;
const REAUTH = '/signin?redirectedFrom=%2Fprofile&reauth=1';
const now = () => Math.floor(Date.now() / 1000);

const env = {
	AUTH_SECRET: 'fresh-links-test-secret-0123456789abcdefghijklmnop',
	AUTH_GITHUB_ID: 'gh-id',
	AUTH_GITHUB_SECRET: 'gh-secret',
	AUTH_FRESH_AGE_SECONDS: String(FRESH_AGE_SECONDS)
};

/** A user signed in with GitHub, `signedInSecondsAgo` ago at the provider. */
async function signedIn(app: Services, signedInSecondsAgo: number) {
	const user = await createUser(app.db);
	const github = { ...buildAccount(user.id), provider: 'github' as const };
	await app.db.insert(accounts).values(github);
	const sid = await startUserSession(app.db, user.id, null);
	return { user, github, sid, claims: { sub: user.id, sid, authAt: now() - signedInSecondsAgo } };
}

/** A form post to `path` from that session, as the guards read it. */
async function post(app: Services, path: string, session: Awaited<ReturnType<typeof signedIn>>) {
	const url = new URL(path, 'http://127.0.0.1');
	const body = new URLSearchParams({ provider: 'github' });
	const auth = {
		user: { id: session.user.id },
		providers: ['github'],
		sessionId: session.sid,
		authenticatedAt: session.claims.authAt,
		expires: ''
	};
	const event = {
		url,
		request: new Request(url, { method: 'POST', body }),
		locals: { auth: async () => auth, app },
		getClientAddress: () => '192.0.2.1'
	} as unknown as RequestEvent;
	return readSensitiveActionInput(event).catch((thrown: unknown) => {
		if (isRedirect(thrown)) return { redirectedTo: thrown.location };
		throw thrown;
	});
}

describeWithDatabases(
	'sensitive actions need a fresh session',
	(app) => {
		it('a session older than the fresh age is sent to sign in again before linking', async () => {
			const stale = await signedIn(app, FRESH_AGE_SECONDS + 1);
			const google = { provider: 'google', providerAccountId: 'attacker' };

			expect(await checkProviderSignIn(app.db, stale.claims, google, FRESH_AGE_SECONDS)).toBe(
				REAUTH
			);
			// Signing in again with its own account is allowed: that is how it becomes fresh.
			expect(await checkProviderSignIn(app.db, stale.claims, stale.github, FRESH_AGE_SECONDS)).toBe(
				true
			);
			// The same provider, another account at it, is a link too.
			const otherGithub = { provider: 'github', providerAccountId: 'someone-else' };
			expect(await checkProviderSignIn(app.db, stale.claims, otherGithub, FRESH_AGE_SECONDS)).toBe(
				REAUTH
			);
		});

		it('a fresh session links, and a sign-in without a session is a plain sign-in', async () => {
			const fresh = await signedIn(app, FRESH_AGE_SECONDS - 60);
			const google = { provider: 'google', providerAccountId: 'mine' };

			expect(await checkProviderSignIn(app.db, fresh.claims, google, FRESH_AGE_SECONDS)).toBe(true);
			expect(await checkProviderSignIn(app.db, null, google, FRESH_AGE_SECONDS)).toBe(true);
		});

		it('a stale session is sent to sign in again from the other sensitive actions, and back', async () => {
			const stale = await signedIn(app, FRESH_AGE_SECONDS + 1);
			for (const [action, page] of [
				['/account/sessions?/revokeOthers', '%2Faccount%2Fsessions'],
				['/account/sessions?/revoke', '%2Faccount%2Fsessions'],
				['/profile?/unlink', '%2Fprofile'],
				['/profile?/deleteAccount', '%2Fprofile']
			] as const) {
				expect(await post(app, action, stale)).toEqual({
					redirectedTo: `/signin?redirectedFrom=${page}&reauth=1`
				});
			}

			const fresh = await signedIn(app, 0);
			expect(await post(app, '/profile?/unlink', fresh)).toMatchObject({ sessionId: fresh.sid });
		});

		it('a session whose sign-in time is unknown is not fresh', async () => {
			const session = await signedIn(app, 0);
			const claims = { ...session.claims, authAt: undefined };
			const google = { provider: 'google', providerAccountId: 'attacker' };

			expect(await checkProviderSignIn(app.db, claims, google, FRESH_AGE_SECONDS)).toBe(REAUTH);
		});
	},
	{ env: () => env }
);
