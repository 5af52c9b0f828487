import { expect, it } from 'vitest';
import { clientOf, endpointsOf } from '$idp/testkit/clients.js';
import { obtainTokens } from '$idp/testkit/flows.js';
import { tokenRequest } from '$idp/testkit/oauth.js';
import type { ProviderId } from '$lib/auth/types';
import type { Services } from '../app/create-app';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { useLocalIdp } from '../testing/provider-accounts';
import { findAccount } from './accounts';
import { createAdapter } from '../authjs/adapter';
import { endUserSession } from '../session/revocation';
import { startUserSession } from '../session/user-sessions';

const APP = 'http://127.0.0.1:5173';

const local = useLocalIdp();

let logins = 0;
const PROVIDERS = ['github', 'google', 'oidc'] as const;

/** A user with GitHub, Google and the OIDC issuer linked, holding real tokens from the local IdP. */
async function userWithTokens(app: Services) {
	const user = await createUser(app.db);
	const issued: Record<ProviderId, { access_token: string; refresh_token: string }> = {
		github: await obtainTokens(local.idp, 'github', `revoke-${process.pid}-${++logins}`, APP),
		google: await obtainTokens(local.idp, 'google', `revoke-${process.pid}-${++logins}`, APP),
		oidc: await obtainTokens(local.idp, 'oidc', `revoke-${process.pid}-${++logins}`, APP)
	};
	for (const provider of PROVIDERS) {
		await createAdapter(app.db, app.cipher).linkAccount!({
			userId: user.id,
			type: provider === 'github' ? 'oauth' : 'oidc',
			provider,
			providerAccountId: `${user.id}-${provider}`,
			access_token: issued[provider].access_token,
			refresh_token: issued[provider].refresh_token,
			expires_at: Math.floor(Date.now() / 1000) + 300,
			token_type: 'bearer'
		});
	}
	return { user, issued };
}

/** Whether the IdP still honours a refresh token. */
async function refreshWorks(provider: ProviderId, refreshToken: string): Promise<boolean> {
	const { token } = await endpointsOf(local.idp, provider);
	const response = await tokenRequest(token, clientOf(local.idp, provider), {
		grant_type: 'refresh_token',
		refresh_token: refreshToken
	});
	return response.status === 200;
}

describeWithDatabases(
	'sign-out and provider tokens',
	(app) => {
		it('keeps the tokens while another session of the user is live', async () => {
			const { user } = await userWithTokens(app);
			const [first] = [
				await startUserSession(app.db, user.id, null),
				await startUserSession(app.db, user.id, null)
			];

			await endUserSession(app, user.id, first, null);

			expect((await findAccount(app.db, user.id, 'github'))?.access_token).not.toBeNull();
			expect((await findAccount(app.db, user.id, 'google'))?.refresh_token).not.toBeNull();
		});

		it('ending the last session deletes the stored tokens and revokes them at every provider', async () => {
			const { user, issued } = await userWithTokens(app);
			const session = await startUserSession(app.db, user.id, null);

			await endUserSession(app, user.id, session, null);

			for (const provider of PROVIDERS) {
				const account = await findAccount(app.db, user.id, provider);
				expect(account).toMatchObject({ access_token: null, refresh_token: null, id_token: null });
				// Nothing left to rotate: a sign-in with another linked provider finds nothing due.
				expect(account).toMatchObject({ expires_at: null, tokenIssuedAt: null });
				expect(await refreshWorks(provider, issued[provider].refresh_token)).toBe(false);
			}
			const githubUser = await fetch(`${local.idp.github.baseUrl}/api/v3/user`, {
				headers: { authorization: `Bearer ${issued.github.access_token}` }
			});
			expect(githubUser.status).toBe(401);
		});
	},
	{ env: () => local.env }
);
