import type { Account as AuthAccount } from '@auth/core/types';
import { and, asc, eq } from 'drizzle-orm';
import type { ProviderId } from '$lib/auth/types';
import type { Database } from '../db';
import { accounts, type Account } from '../db/schema';
import type { IssuedTokens } from '../providers/refresh';
import type { SessionAccount } from './life';
import type { TokenCipher } from './cipher';

export const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'] as const;

/** An account's columns once its tokens are forgotten (as `forgetProviderTokens` leaves them). */
export const FORGOTTEN_TOKENS = {
	access_token: null,
	refresh_token: null,
	id_token: null,
	expires_at: null,
	tokenIssuedAt: null
};

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
export async function storeAccountTokens(
	db: Database,
	account: AuthAccount,
	cipher: TokenCipher
): Promise<void> {
	const sealed = await sealTokens(account, cipher);
	await db
		.update(accounts)
		.set({
			access_token: sealed.access_token ?? null,
			refresh_token: sealed.refresh_token ?? null,
			id_token: sealed.id_token ?? null,
			expires_at: account.expires_at ?? null,
			tokenIssuedAt: Math.floor(Date.now() / 1000),
			token_type: account.token_type ?? null,
			scope: account.scope ?? null,
			// A refresh under way started from the old grant: it must not overwrite these tokens.
			refreshClaimId: null,
			refreshClaimedUntil: null
		})
		.where(
			and(
				// Note: Auth.js types provider ids as plain strings; ours are the configured ones.
				eq(accounts.provider, account.provider as ProviderId),
				eq(accounts.providerAccountId, account.providerAccountId)
			)
		);
}

/** The accounts a session refers to, with the life of each stored access token. */
export async function listSessionAccounts(db: Database, userId: string): Promise<SessionAccount[]> {
	const rows = await db
		.select({
			provider: accounts.provider,
			providerAccountId: accounts.providerAccountId,
			expiresAt: accounts.expires_at,
			issuedAt: accounts.tokenIssuedAt
		})
		.from(accounts)
		.where(eq(accounts.userId, userId))
		.orderBy(asc(accounts.provider));
	return rows;
}

/** The account row of a user at one provider, or null when that provider is not linked. */
export async function findAccount(
	db: Database,
	userId: string,
	provider: ProviderId
): Promise<Account | null> {
	const [row] = await db
		.select()
		.from(accounts)
		.where(and(eq(accounts.userId, userId), eq(accounts.provider, provider)));
	return row ?? null;
}

/** The row update for freshly issued tokens, encrypted; what the provider omitted is kept. */
export async function sealIssuedTokens(
	tokens: IssuedTokens,
	row: Account,
	cipher: TokenCipher,
	rotatedAt: Date
) {
	return {
		access_token: await cipher.encrypt(tokens.accessToken),
		// Note: a provider that returns no new refresh token keeps the old one valid. A kept token
		// moves to the newest key if an older one sealed it.
		refresh_token: await sealOrKeep(tokens.refreshToken, row.refresh_token, cipher),
		id_token: await sealOrKeep(tokens.idToken, row.id_token, cipher),
		expires_at: tokens.expiresAt,
		tokenIssuedAt: Math.floor(rotatedAt.getTime() / 1000),
		scope: tokens.scope ?? row.scope,
		token_type: tokens.tokenType,
		rotatedAt
	};
}

async function sealOrKeep(
	issued: string | undefined,
	stored: string | null,
	cipher: TokenCipher
): Promise<string | null> {
	if (issued !== undefined) return cipher.encrypt(issued);
	return stored === null ? null : cipher.reseal(stored);
}

/**
 * False when some token of `row` is sealed under a secret that is no longer configured: such
 * tokens can never be used again (see `UnreadableTokensError`).
 */
export async function canOpenStoredTokens(row: Tokens, cipher: TokenCipher): Promise<boolean> {
	for (const field of TOKEN_FIELDS) {
		const sealed = row[field];
		if (typeof sealed === 'string' && !(await cipher.canOpen(sealed))) return false;
	}
	return true;
}
