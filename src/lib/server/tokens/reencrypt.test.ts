import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Database } from '../db';
import { accounts } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { buildAccount, createUser } from '../testing/factories';
import { createAdapter } from '../authjs/adapter';
import { createTokenCipher, tokenKeyId } from './cipher';
import { countTokensByKey, reencryptStoredTokens } from './reencrypt';

const OLD = 'reencrypt-old-secret-0123456789abcdefghijklmnop';
const NEW = 'reencrypt-new-secret-0123456789abcdefghijklmnop';

async function linkUnder(db: Database, secrets: string[], count: number) {
	const user = await createUser(db);
	const linked = [];
	for (let i = 0; i < count; i++) {
		const account = buildAccount(user.id, { id_token: i === 0 ? 'an-id-token' : undefined });
		await createAdapter(db, createTokenCipher(secrets)).linkAccount!(account);
		linked.push(account);
	}
	return linked;
}

describeWithDatabases('re-encrypting stored tokens', (app) => {
	it('moves every token to the newest secret, in batches, and reports the counts by key', async () => {
		const linked = await linkUnder(app.db, [OLD], 5);
		const cipher = createTokenCipher([NEW, OLD]);
		const [newKey, oldKey] = [await tokenKeyId(NEW), await tokenKeyId(OLD)];
		expect((await countTokensByKey(app.db)).get(oldKey)).toBe(11);

		expect(await reencryptStoredTokens(app.db, cipher, { batchSize: 2 })).toBe(5);

		const counts = await countTokensByKey(app.db);
		expect(counts.get(oldKey)).toBeUndefined();
		expect(counts.get(newKey)).toBe(11);
		// The old secret can go: the newest alone opens every token, unchanged.
		const newOnly = createTokenCipher([NEW]);
		for (const account of linked) {
			const [row] = await app.db
				.select()
				.from(accounts)
				.where(eq(accounts.providerAccountId, account.providerAccountId));
			expect(await newOnly.decrypt(row!.access_token!)).toBe(account.access_token);
			expect(await newOnly.decrypt(row!.refresh_token!)).toBe(account.refresh_token);
		}
	});

	it('a second run changes nothing', async () => {
		await linkUnder(app.db, [OLD], 2);
		const cipher = createTokenCipher([NEW, OLD]);
		await reencryptStoredTokens(app.db, cipher);
		expect(await reencryptStoredTokens(app.db, cipher)).toBe(0);
	});
});
