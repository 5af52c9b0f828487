import { expect, it, vi } from 'vitest';
import { profileFor } from '$idp/accounts.js';
import { revokeToken } from '$idp/testkit/flows.js';
import type { ProviderId } from '$lib/auth/types';
import type { Services } from '../app/create-app';
import { describeWithDatabases } from '../testing/databases';
import { buildSignedInEvent } from '../testing/factories';
import {
	expireAccessToken,
	linkAccountWithTokens,
	storedRefreshToken,
	uniqueLogin,
	useLocalIdp
} from '../testing/provider-accounts';
import { getAccessToken } from '../web/get-access-token';
import { eq } from 'drizzle-orm';
import { accounts } from '../db/schema';
import { findAccount, listSessionAccounts, TOKEN_FIELDS } from '../tokens/accounts';
import { createTokenCipher } from '../tokens/cipher';
import { renewDueAccounts } from '../tokens/renew-due-accounts';
import { RefreshTokenError } from '../tokens/errors';
import { forgetProviderTokens } from '../tokens/forget';
import { describeConnections, refreshConnection } from './connections';

const local = useLocalIdp();

/** "Refresh now" from a session of the user's own (each user signs in once here). */
const refreshFromSession = (app: Services, userId: string, provider: unknown) =>
	refreshConnection(app, userId, `session-of-${userId}`, provider, null);

/** Seals the user's stored tokens under a secret the app does not have, as if it was removed. */
async function sealUnderRemovedSecret(app: Services, userId: string) {
	const removed = createTokenCipher(['a-secret-that-was-removed-0123456789abcdefghij']);
	const [row] = await app.db.select().from(accounts).where(eq(accounts.userId, userId));
	const update: Partial<Record<(typeof TOKEN_FIELDS)[number], string>> = {};
	for (const field of TOKEN_FIELDS) {
		const sealed = row![field];
		if (sealed !== null) update[field] = await removed.encrypt(await app.cipher.decrypt(sealed));
	}
	await app.db.update(accounts).set(update).where(eq(accounts.userId, userId));
}

/** As /connections reads them: each token from `getAccessToken`, for a signed-in request. */
async function describeAsRoute(app: Services, userId: string) {
	const event = await buildSignedInEvent(app, userId);
	return describeConnections(app, userId, (provider: ProviderId) =>
		getAccessToken(event, provider)
	);
}

describeWithDatabases(
	'connections',
	(app) => {
		it("calls the provider's user endpoint with the token getAccessToken gives", async () => {
			const login = uniqueLogin('connections');
			const { user } = await linkAccountWithTokens(app, local, 'github', {
				login,
				expiresIn: 3600
			});
			const stored = await findAccount(app.db, user.id, 'github');

			const [github] = await describeAsRoute(app, user.id);

			expect(github).toMatchObject({
				provider: 'github',
				expiresAt: stored!.expires_at,
				rotatedAt: null,
				problem: null
			});
			expect(github!.profile?.login).toBe(login);
			expect(local.refreshes).toEqual([]);
		});

		it('an OIDC issuer: its configured name, the user from userinfo, a rotation on expiry', async () => {
			const login = uniqueLogin('oidc');
			const { user } = await linkAccountWithTokens(app, local, 'oidc', { login });

			const [oidc] = await describeAsRoute(app, user.id);

			expect(local.refreshes).toEqual([{ provider: 'oidc', ok: true, error: undefined }]);
			expect(oidc).toMatchObject({ provider: 'oidc', name: 'Single sign-on', problem: null });
			expect(oidc!.profile).toEqual({
				name: profileFor(login).name,
				email: `${login}@example.test`,
				login
			});
			expect(oidc!.expiresAt).toBeGreaterThan(Date.now() / 1000);
		});

		it('shows the expiry of the token refreshed for an expired one', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github');

			const [github] = await describeAsRoute(app, user.id);

			expect(local.refreshes).toHaveLength(1);
			expect(github!.expiresAt).toBeGreaterThan(Date.now() / 1000);
			expect(github!.rotatedAt).toEqual((await findAccount(app.db, user.id, 'github'))!.rotatedAt);
			expect(github!.problem).toBeNull();
		});

		it('a provider that cannot be reached is a problem shown on its card, not a failure', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github');
			local.idp.faults.set({ github: { outage: true } });
			vi.spyOn(console, 'info').mockImplementation(() => {});

			const [github] = await describeAsRoute(app, user.id);

			vi.restoreAllMocks();
			expect(github).toMatchObject({ provider: 'github', expiresAt: null, profile: null });
			expect(github!.problem).toMatch(/could not be reached.*Try again in a moment\.$/);
		});

		it('a refused refresh throws RefreshTokenError: the user must sign in again', async () => {
			const { user, tokens } = await linkAccountWithTokens(app, local, 'google');
			await revokeToken(local.idp, 'google', tokens.refresh_token);

			await expect(describeAsRoute(app, user.id)).rejects.toThrow(RefreshTokenError);
		});

		it('"Refresh now" answers each expected failure with its status and message', async () => {
			const linked = await linkAccountWithTokens(app, local, 'github', { expiresIn: 3600 });
			const { user } = linked;

			expect(await refreshFromSession(app, user.id, 'nope')).toEqual({
				ok: false,
				status: 400,
				provider: null,
				error: 'No provider chosen.'
			});
			expect(await refreshFromSession(app, user.id, 'google')).toEqual({
				ok: false,
				status: 404,
				provider: 'google',
				error: 'No Google account is linked.'
			});
			const refreshed = await refreshFromSession(app, user.id, 'github');
			expect(refreshed).toMatchObject({ ok: true, provider: 'github' });
			expect(refreshed.ok && refreshed.expiresAt).toBe(
				(await findAccount(app.db, user.id, 'github'))!.expires_at
			);

			// An expired token with the provider down: nothing usable is left.
			await expireAccessToken(app.db, linked.account);
			local.idp.faults.set({ github: { outage: true } });
			expect(await refreshFromSession(app, user.id, 'github')).toEqual({
				ok: false,
				status: 503,
				provider: 'github',
				error: 'GitHub could not be reached. Try again soon.'
			});

			local.idp.faults.reset();
			const stored = await storedRefreshToken(app, linked.account.providerAccountId);
			await revokeToken(local.idp, 'github', stored!);
			expect(await refreshFromSession(app, user.id, 'github')).toEqual({
				ok: false,
				status: 409,
				provider: 'github',
				error: 'GitHub refused to refresh the token. Sign in again to reconnect.'
			});
		});

		it('"Refresh now" with the provider down fails even while the old token is valid', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github', { expiresIn: 3600 });
			const before = await findAccount(app.db, user.id, 'github');
			local.idp.faults.set({ github: { outage: true } });
			vi.spyOn(console, 'info').mockImplementation(() => {});

			const result = await refreshFromSession(app, user.id, 'github');

			vi.restoreAllMocks();
			expect(result).toEqual({
				ok: false,
				status: 503,
				provider: 'github',
				error: 'GitHub could not be reached. Try again soon.'
			});
			expect((await findAccount(app.db, user.id, 'github'))!.access_token).toBe(
				before!.access_token
			);
		});

		it('after sign-out forgot the tokens, the card offers to reconnect and nothing is refreshed', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github');
			await forgetProviderTokens(app, user.id);

			const [github] = await describeAsRoute(app, user.id);

			expect(github).toMatchObject({ provider: 'github', reconnect: true, profile: null });
			expect(github!.problem).toBe(
				'Latchkey holds no GitHub tokens since you signed out. Reconnect to use GitHub here.'
			);
			expect(await refreshFromSession(app, user.id, 'github')).toEqual({
				ok: false,
				status: 409,
				provider: 'github',
				error: github!.problem
			});
			expect(local.refreshes).toEqual([]);
		});

		it('"Refresh now" counts only refreshes, per session: failures and other sessions spend nothing', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github', { expiresIn: 3600 });
			const [mine, copy] = ['session-mine', 'session-copy'];
			// Refreshes of an unlinked provider change nothing: as many as the limit, and more.
			for (let i = 0; i < 6; i++) {
				expect(await refreshConnection(app, user.id, mine, 'google', null)).toMatchObject({
					status: 404
				});
			}
			// Another session of the same user spends its own budget.
			for (let i = 0; i < 4; i++) {
				expect(await refreshConnection(app, user.id, copy, 'github', null)).toMatchObject({
					ok: true
				});
			}
			expect(await refreshConnection(app, user.id, copy, 'github', null)).toMatchObject({
				status: 429
			});

			expect(await refreshConnection(app, user.id, mine, 'github', null)).toMatchObject({
				ok: true
			});
		});

		it('"Refresh now" is limited per session, and the refused one leaves the tokens alone', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github', { expiresIn: 3600 });
			for (let i = 0; i < 4; i++) {
				expect(await refreshFromSession(app, user.id, 'github')).toMatchObject({ ok: true });
			}
			const before = await findAccount(app.db, user.id, 'github');

			expect(await refreshFromSession(app, user.id, 'github')).toEqual({
				ok: false,
				status: 429,
				provider: 'github',
				error: expect.stringMatching(/^Too many attempts\. Try again in \d+ seconds?\.$/)
			});
			expect((await findAccount(app.db, user.id, 'github'))!.access_token).toBe(
				before!.access_token
			);
		});

		it('tokens sealed under a removed secret: the card offers to reconnect, and they are forgotten', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github', { expiresIn: 3600 });
			await sealUnderRemovedSecret(app, user.id);
			vi.spyOn(console, 'info').mockImplementation(() => {});

			const [github] = await describeAsRoute(app, user.id);

			vi.restoreAllMocks();
			expect(github).toMatchObject({ provider: 'github', reconnect: true, profile: null });
			expect(github!.problem).toBe(
				'Latchkey can no longer read its GitHub tokens (the secret that sealed them was removed). Reconnect to use GitHub here.'
			);
			expect(await findAccount(app.db, user.id, 'github')).toMatchObject({
				access_token: null,
				refresh_token: null,
				expires_at: null
			});
			// From then on they are forgotten tokens, as after a sign-out.
			expect(await refreshFromSession(app, user.id, 'github')).toMatchObject({
				ok: false,
				status: 409,
				error: 'Latchkey holds no GitHub tokens since you signed out. Reconnect to use GitHub here.'
			});
			expect(local.refreshes).toEqual([]);
		});

		it("a session's refresh of tokens under a removed secret forgets them once, not an outage every time", async () => {
			const { user } = await linkAccountWithTokens(app, local, 'google');
			await sealUnderRemovedSecret(app, user.id);
			const token = { sub: user.id, accounts: await listSessionAccounts(app.db, user.id) };
			const lines: string[] = [];
			vi.spyOn(console, 'info').mockImplementation((line: string) => lines.push(line));

			const renewed = await renewDueAccounts(token, app.rotator, null);
			const again = await renewDueAccounts(renewed, app.rotator, null);

			vi.restoreAllMocks();
			// The session goes on, with nothing due: /connections offers to reconnect.
			expect(renewed.error).toBeUndefined();
			expect(renewed.accounts).toMatchObject([{ provider: 'google', expiresAt: null }]);
			expect(again).toBe(renewed);
			expect(lines.map((line) => JSON.parse(line))).toMatchObject([
				{ event: 'token_refresh', provider: 'google', outcome: 'forgotten' }
			]);
			expect(local.refreshes).toEqual([]);
			expect(await findAccount(app.db, user.id, 'google')).toMatchObject({ refresh_token: null });
		});
	},
	// 4 "Refresh now" per user per minute here.
	{ env: () => ({ ...local.env, AUTH_ACTION_RATE_LIMIT: '4' }) }
);
