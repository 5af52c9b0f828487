import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { accounts } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { buildAccount, createUser } from '../testing/factories';
import { listSessionAccounts, storeAccountTokens } from './accounts';
import { createAdapter } from './adapter';
import { createTokenCipher } from './cipher';

const cipher = createTokenCipher('test-secret-for-accounts');

async function findRow(providerAccountId: string) {
	const [row] = await db
		.select()
		.from(accounts)
		.where(eq(accounts.providerAccountId, providerAccountId));
	return row!;
}

describeWithDatabases('provider accounts', () => {
	it('the adapter stores a newly linked account with its tokens encrypted', async () => {
		const user = await createUser();
		const account = buildAccount(user.id, { id_token: 'id-token-value' });
		await createAdapter(cipher).linkAccount!(account);

		const row = await findRow(account.providerAccountId);
		for (const field of ['access_token', 'refresh_token', 'id_token'] as const) {
			expect(row[field]).not.toContain(account[field]);
			expect(await cipher.decrypt(row[field]!)).toBe(account[field]);
		}
		expect(row.expires_at).toBe(account.expires_at);
		expect(row.scope).toBe(account.scope);
	});

	it('a returning sign-in replaces the stored tokens', async () => {
		const user = await createUser();
		const first = buildAccount(user.id);
		await createAdapter(cipher).linkAccount!(first);

		const second = buildAccount(user.id, {
			providerAccountId: first.providerAccountId,
			refresh_token: undefined,
			expires_at: first.expires_at! + 600
		});
		await storeAccountTokens(second, cipher);

		const row = await findRow(first.providerAccountId);
		expect(await cipher.decrypt(row.access_token!)).toBe(second.access_token);
		expect(row.refresh_token).toBeNull();
		expect(row.expires_at).toBe(second.expires_at);
	});

	it('lists the accounts a session refers to, in a stable order', async () => {
		const user = await createUser();
		const other = await createUser();
		const adapter = createAdapter(cipher);
		const google = buildAccount(user.id, { provider: 'google', expires_at: 1_900_000_000 });
		const github = buildAccount(user.id, { provider: 'github', expires_at: undefined });
		await adapter.linkAccount!(google);
		await adapter.linkAccount!(github);
		await adapter.linkAccount!(buildAccount(other.id, { provider: 'google' }));

		expect(await listSessionAccounts(user.id)).toEqual([
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
		expect(await listSessionAccounts('nobody')).toEqual([]);
	});
});

describe('token cipher', () => {
	it('round-trips, and never encrypts the same token to the same text', async () => {
		const [a, b] = [await cipher.encrypt('token'), await cipher.encrypt('token')];
		expect(a).not.toBe(b);
		expect(await cipher.decrypt(a)).toBe('token');
		expect(JSON.parse(atob(a.split('.')[0]!))).toEqual({ alg: 'dir', enc: 'A256GCM' });
	});

	it('cannot be decrypted with a key from another secret', async () => {
		const sealed = await cipher.encrypt('token');
		await expect(createTokenCipher('another-secret').decrypt(sealed)).rejects.toThrow();
	});
});
