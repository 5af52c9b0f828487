import type { Account as AuthAccount } from '@auth/core/types';
import { and, asc, eq } from 'drizzle-orm';
import type { ProviderId } from '$lib/auth/types';
import { db } from '../db';
import { accounts } from '../db/schema';
import type { TokenCipher } from './token-crypto';

const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'] as const;

type Tokens = Partial<Record<(typeof TOKEN_FIELDS)[number], string | null>>;

/** Returns the account with each provider token replaced by its ciphertext. */
export async function sealTokens<T extends Tokens>(account: T, cipher: TokenCipher): Promise<T> {
	const sealed = { ...account };
	for (const field of TOKEN_FIELDS) {
		const value = account[field];
		if (typeof value === 'string') sealed[field] = await cipher.encrypt(value);
	}
	return sealed;
}

/**
 * Saves the tokens the provider just issued at sign-in. Note: the Drizzle adapter writes tokens
 * only when an account is first linked, so without this a returning user would keep dead ones.
 */
export async function storeAccountTokens(account: AuthAccount, cipher: TokenCipher): Promise<void> {
	const sealed = await sealTokens(account, cipher);
	await db
		.update(accounts)
		.set({
			access_token: sealed.access_token ?? null,
			refresh_token: sealed.refresh_token ?? null,
			id_token: sealed.id_token ?? null,
			expires_at: account.expires_at ?? null,
			token_type: account.token_type ?? null,
			scope: account.scope ?? null
		})
		.where(
			and(
				eq(accounts.provider, account.provider),
				eq(accounts.providerAccountId, account.providerAccountId)
			)
		);
}

/** The providers linked to a user, in a stable order. */
export async function listLinkedProviders(userId: string): Promise<ProviderId[]> {
	const rows = await db
		.select({ provider: accounts.provider })
		.from(accounts)
		.where(eq(accounts.userId, userId))
		.orderBy(asc(accounts.provider));
	return rows.map((row) => row.provider as ProviderId);
}
