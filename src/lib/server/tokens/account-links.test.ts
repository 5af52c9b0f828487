import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { obtainTokens } from '$idp/testkit/flows.js';
import { metadata, tokenRequest } from '$idp/testkit/oauth.js';
import type { ProviderId } from '$lib/auth/types';
import { listAuditEvents } from '../audit/audit-log';
import type { Services } from '../app/create-app';
import type { Database } from '../db';
import { accounts } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { buildAccount, createUser } from '../testing/factories';
import { useLocalIdp } from '../testing/provider-accounts';
import { findAccount } from './accounts';
import { unlinkAccount } from './account-links';
import { renewDueAccounts } from './renew-due-accounts';
import { createAdapter } from '../authjs/adapter';

const APP = 'http://127.0.0.1:5173';

const local = useLocalIdp();

let logins = 0;
/** A user with GitHub and Google linked, holding real tokens from the local IdP. */
async function userWithBothProviders(app: Services) {
	const user = await createUser(app.db);
	const issued = {} as Record<ProviderId, { refresh_token: string }>;
	for (const provider of ['github', 'google'] as const) {
		const tokens = await obtainTokens(
			local.idp,
			provider,
			`unlink-${process.pid}-${++logins}`,
			APP
		);
		issued[provider] = tokens;
		await createAdapter(app.db, app.cipher).linkAccount!(
			buildAccount(user.id, {
				provider,
				type: provider === 'google' ? 'oidc' : 'oauth',
				access_token: tokens.access_token,
				refresh_token: tokens.refresh_token
			})
		);
	}
	return { user, issued };
}

async function countAccounts(db: Database, userId: string, provider?: ProviderId): Promise<number> {
	const rows = await db
		.select()
		.from(accounts)
		.where(
			provider === undefined
				? eq(accounts.userId, userId)
				: and(eq(accounts.userId, userId), eq(accounts.provider, provider))
		);
	return rows.length;
}

async function refreshWorks(refreshToken: string): Promise<boolean> {
	const endpoint = String((await metadata(local.idp.google.issuer)).token_endpoint);
	const response = await tokenRequest(endpoint, local.idp.google, {
		grant_type: 'refresh_token',
		refresh_token: refreshToken
	});
	return response.status === 200;
}

describeWithDatabases(
	'unlinking a provider',
	(app) => {
		it('deletes that account with its tokens, revokes them at the provider and audits it', async () => {
			const { user, issued } = await userWithBothProviders(app);
			const client = { ip: '203.0.113.7', userAgent: 'Firefox on Linux' };

			expect(await unlinkAccount(app, user.id, 'google', client)).toBe('unlinked');

			expect(await findAccount(app.db, user.id, 'google')).toBeNull();
			expect((await findAccount(app.db, user.id, 'github'))?.access_token).not.toBeNull();
			expect(await refreshWorks(issued.google.refresh_token)).toBe(false);
			const [event] = await listAuditEvents(app.db, user.id);
			expect(event).toMatchObject({ event: 'account_unlinked', detail: 'google', ...client });
		});

		it('another browser whose session still lists the unlinked account stays signed in', async () => {
			const { user } = await userWithBothProviders(app);
			const google = (await findAccount(app.db, user.id, 'google'))!;
			const github = (await findAccount(app.db, user.id, 'github'))!;
			expect(await unlinkAccount(app, user.id, 'google', null)).toBe('unlinked');

			// That browser's cookie says the Google token is due: its refresh finds no account.
			const elsewhere = await renewDueAccounts(
				{
					sub: user.id,
					accounts: [
						{ provider: 'google', providerAccountId: google.providerAccountId, expiresAt: 0 },
						{ provider: 'github', providerAccountId: github.providerAccountId, expiresAt: null }
					]
				},
				app.rotator,
				null
			);
			expect(elsewhere.error).toBeUndefined();
			expect(elsewhere.accounts?.map(({ provider }) => provider)).toEqual(['github']);
		});

		it('refuses to unlink the last provider, and changes nothing', async () => {
			const user = await createUser(app.db);
			await createAdapter(app.db, app.cipher).linkAccount!(buildAccount(user.id));

			expect(await unlinkAccount(app, user.id, 'github', null)).toBe('last-account');

			expect(await countAccounts(app.db, user.id, 'github')).toBe(1);
			expect(await listAuditEvents(app.db, user.id)).toEqual([]);
		});

		it('answers not-linked for a provider the user does not have', async () => {
			const user = await createUser(app.db);
			await createAdapter(app.db, app.cipher).linkAccount!(buildAccount(user.id));
			const other = await createUser(app.db);
			await createAdapter(app.db, app.cipher).linkAccount!(
				buildAccount(other.id, { provider: 'google', type: 'oidc' })
			);

			expect(await unlinkAccount(app, user.id, 'google', null)).toBe('not-linked');
			expect(await countAccounts(app.db, other.id, 'google')).toBe(1);
		});

		it('concurrent unlinks of both providers always leave exactly one', async () => {
			const users = await Promise.all(
				Array.from({ length: 10 }, async () => {
					const user = await createUser(app.db);
					for (const provider of ['github', 'google'] as const) {
						await createAdapter(app.db, app.cipher).linkAccount!(
							buildAccount(user.id, { provider, type: provider === 'google' ? 'oidc' : 'oauth' })
						);
					}
					return user;
				})
			);

			// Note: PGlite runs one transaction at a time; on Postgres these really race.
			const outcomes = await Promise.all(
				users.map((user) =>
					Promise.all([
						unlinkAccount(app, user.id, 'github', null),
						unlinkAccount(app, user.id, 'google', null)
					])
				)
			);

			for (const [index, user] of users.entries()) {
				expect(outcomes[index]!.toSorted()).toEqual(['last-account', 'unlinked']);
				expect(await countAccounts(app.db, user.id)).toBe(1);
			}
		});
	},
	{ env: () => local.env }
);
