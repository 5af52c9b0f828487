import { and, asc, eq, gt, isNull, or, type SQL } from 'drizzle-orm';
import type { Database } from '../db';
import { accounts, type Account } from '../db/schema';
import { TOKEN_FIELDS } from './accounts';
import { keyIdOf, type TokenCipher } from './cipher';

type TokenField = (typeof TOKEN_FIELDS)[number];
type RowKey = Pick<Account, 'provider' | 'providerAccountId'>;

/**
 * Re-encrypts every stored provider token that an older secret sealed under the newest one, in
 * batches of `batchSize` rows. Safe beside running instances: each row is written only if its
 * tokens are still the ones read (a rotation in between already sealed it under the newest key,
 * provided every instance has the new secret). Returns how many rows it changed.
 */
export async function reencryptStoredTokens(
	database: Database,
	cipher: TokenCipher,
	{ batchSize = 100 } = {}
): Promise<number> {
	let changed = 0;
	let after: RowKey | null = null;
	for (;;) {
		const rows: Account[] = await database
			.select()
			.from(accounts)
			.where(after === null ? undefined : isAfter(after))
			.orderBy(asc(accounts.provider), asc(accounts.providerAccountId))
			.limit(batchSize);
		for (const row of rows) {
			if (await resealRow(database, cipher, row)) changed += 1;
		}
		if (rows.length < batchSize) return changed;
		after = rows.at(-1) ?? null;
	}
}

/** How many stored tokens each key id sealed (`null`: sealed before key ids). */
export async function countTokensByKey(database: Database): Promise<Map<string | null, number>> {
	const counts = new Map<string | null, number>();
	const rows = await database
		.select({
			access_token: accounts.access_token,
			refresh_token: accounts.refresh_token,
			id_token: accounts.id_token
		})
		.from(accounts);
	for (const row of rows) {
		for (const field of TOKEN_FIELDS) {
			const value = row[field];
			if (value === null) continue;
			const kid = keyIdOf(value);
			counts.set(kid, (counts.get(kid) ?? 0) + 1);
		}
	}
	return counts;
}

async function resealRow(database: Database, cipher: TokenCipher, row: Account): Promise<boolean> {
	const update: Partial<Record<TokenField, string>> = {};
	for (const field of TOKEN_FIELDS) {
		const value = row[field];
		if (value === null) continue;
		const resealed = await cipher.reseal(value);
		if (resealed !== value) update[field] = resealed;
	}
	if (Object.keys(update).length === 0) return false;
	const written = await database
		.update(accounts)
		.set(update)
		.where(and(isRow(row), ...TOKEN_FIELDS.map((field) => isUnchanged(field, row[field]))))
		.returning({ provider: accounts.provider });
	return written.length === 1;
}

function isRow({ provider, providerAccountId }: RowKey): SQL | undefined {
	return and(eq(accounts.provider, provider), eq(accounts.providerAccountId, providerAccountId));
}

function isAfter({ provider, providerAccountId }: RowKey): SQL | undefined {
	return or(
		gt(accounts.provider, provider),
		and(eq(accounts.provider, provider), gt(accounts.providerAccountId, providerAccountId))
	);
}

function isUnchanged(field: TokenField, value: string | null): SQL {
	return value === null ? isNull(accounts[field]) : eq(accounts[field], value);
}
