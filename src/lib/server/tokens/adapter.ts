import type { Adapter } from '@auth/core/adapters';
import { DrizzleAdapter } from '@auth/drizzle-adapter';
import { db } from '../db';
import { accounts, sessions, users, verificationTokens } from '../db/schema';
import { sealTokens } from './accounts';
import type { TokenCipher } from './cipher';

/** The Drizzle adapter on our tables, storing provider tokens encrypted. */
export function createAdapter(cipher: TokenCipher): Adapter {
	const adapter = DrizzleAdapter(db, {
		usersTable: users,
		accountsTable: accounts,
		sessionsTable: sessions,
		verificationTokensTable: verificationTokens
	});
	return {
		...adapter,
		linkAccount: async (account) => {
			// Note: the adapter inserts every property that names a column, ours included.
			const issued = { tokenIssuedAt: Math.floor(Date.now() / 1000) };
			await adapter.linkAccount!({ ...(await sealTokens(account, cipher)), ...issued });
		}
	};
}
