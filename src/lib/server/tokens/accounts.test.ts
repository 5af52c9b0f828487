import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Database } from '../db';
import { accounts } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { buildAccount, createUser } from '../testing/factories';
import { listSessionAccounts, sealIssuedTokens, storeAccountTokens } from './accounts';
import { createAdapter } from '../authjs/adapter';
import { createTokenCipher, keyIdOf, tokenKeyId } from './cipher';

const SECRET = 'test-secret-for-accounts-0123456789abcdef';
const cipher = createTokenCipher([SECRET]);

async function findRow(db: Database, providerAccountId: string) {
	const [row] = await db
		.select()
		.from(accounts)
		.where(eq(accounts.providerAccountId, providerAccountId));
	return row!;
}

describeWithDatabases('provider accounts', (app) => {
	it('the adapter stores a newly linked account with its tokens encrypted', async () => {
		const user = await createUser(app.db);
		const account = buildAccount(user.id, { id_token: 'id-token-value' });
		await createAdapter(app.db, cipher).linkAccount!(account);

		const row = await findRow(app.db, account.providerAccountId);
		for (const field of ['access_token', 'refresh_token', 'id_token'] as const) {
			expect(row[field]).not.toContain(account[field]);
			expect(await cipher.decrypt(row[field]!)).toBe(account[field]);
		}
		expect(row.expires_at).toBe(account.expires_at);
		expect(row.scope).toBe(account.scope);
	});

	it('a returning sign-in replaces the stored tokens', async () => {
		const user = await createUser(app.db);
		const first = buildAccount(user.id);
		await createAdapter(app.db, cipher).linkAccount!(first);

		const second = buildAccount(user.id, {
			providerAccountId: first.providerAccountId,
			refresh_token: undefined,
			expires_at: first.expires_at! + 600
		});
		await storeAccountTokens(app.db, second, cipher);

		const row = await findRow(app.db, first.providerAccountId);
		expect(await cipher.decrypt(row.access_token!)).toBe(second.access_token);
		expect(row.refresh_token).toBeNull();
		expect(row.expires_at).toBe(second.expires_at);
	});

	it('lists the accounts a session refers to, in a stable order', async () => {
		const user = await createUser(app.db);
		const other = await createUser(app.db);
		const adapter = createAdapter(app.db, cipher);
		const google = buildAccount(user.id, { provider: 'google', expires_at: 1_900_000_000 });
		const github = buildAccount(user.id, { provider: 'github', expires_at: undefined });
		await adapter.linkAccount!(google);
		await adapter.linkAccount!(github);
		await adapter.linkAccount!(buildAccount(other.id, { provider: 'google' }));

		expect(await listSessionAccounts(app.db, user.id)).toEqual([
			{
				provider: 'github',
				providerAccountId: github.providerAccountId,
				expiresAt: null,
				issuedAt: expect.closeTo(Date.now() / 1000, -1)
			},
			{
				provider: 'google',
				providerAccountId: google.providerAccountId,
				expiresAt: 1_900_000_000,
				issuedAt: expect.closeTo(Date.now() / 1000, -1)
			}
		]);
		expect(await listSessionAccounts(app.db, 'nobody')).toEqual([]);
	});

	it('a refresh token the provider kept moves to the newest secret with the new tokens', async () => {
		const user = await createUser(app.db);
		const account = buildAccount(user.id);
		await createAdapter(app.db, cipher).linkAccount!(account);
		const newer = 'a-newer-secret-0123456789abcdefghijklmn';
		const rotated = createTokenCipher([newer, SECRET]);

		const update = await sealIssuedTokens(
			{
				accessToken: 'a-new-access-token',
				refreshToken: undefined,
				idToken: undefined,
				expiresAt: null,
				scope: undefined,
				tokenType: 'bearer'
			},
			await findRow(app.db, account.providerAccountId),
			rotated,
			new Date()
		);
		const newest = await tokenKeyId(newer);
		expect(keyIdOf(update.refresh_token!)).toBe(newest);
		expect(keyIdOf(update.access_token)).toBe(newest);
		expect(await rotated.decrypt(update.refresh_token!)).toBe(account.refresh_token);
	});
});
