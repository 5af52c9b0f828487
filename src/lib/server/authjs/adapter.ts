import type { Adapter } from '@auth/core/adapters';
import { DrizzleAdapter } from '@auth/drizzle-adapter';
import { eq } from 'drizzle-orm';
import { omit } from 'lodash-es';
import type { Database } from '../db';
import { accounts, users } from '../db/schema';
import { sealTokens } from '../tokens/accounts';
import type { TokenCipher } from '../tokens/cipher';

/**
 * What only database sessions and email sign-in use. Sessions here are JWTs (with our own
 * `user_sessions` rows) and every provider is OAuth, so Auth.js never asks for these: they are
 * left out, with their tables.
 */
const UNUSED_METHODS = [
	'createSession',
	'getSessionAndUser',
	'updateSession',
	'deleteSession',
	'createVerificationToken',
	'useVerificationToken'
] as const;

/** The Drizzle adapter on our tables, storing provider tokens encrypted. */
export function createAdapter(db: Database, cipher: TokenCipher): Adapter {
	const adapter = DrizzleAdapter(db, { usersTable: users, accountsTable: accounts });
	return {
		...omit(adapter, UNUSED_METHODS),
		linkAccount: async (account) => {
			// Note: the adapter inserts every property that names a column, ours included.
			const issued = { tokenIssuedAt: Math.floor(Date.now() / 1000) };
			await adapter.linkAccount!({ ...(await sealTokens(account, cipher)), ...issued });
		}
	};
}

/** True when the request's session cookie, read by Auth.js's rule, is a live session of `userId`. */
export type LiveSessionCheck = (userId: string) => Promise<boolean>;

/**
 * `adapter`, refusing to link a provider to a user who has one already (Auth.js links to the
 * user of the request's session cookie) unless that cookie is a live session of theirs right
 * now. Defence in depth behind `sanitizeAuthRequests`: a cookie revoked between that check and the
 * link, or any path that reaches the callback past it, fails the sign-in instead of planting a
 * sign-in method on someone else's account. A new user's first account needs no session.
 */
export function refuseLinksWithoutLiveSession(
	db: Database,
	adapter: Adapter,
	isLiveSessionOf: LiveSessionCheck
): Adapter {
	return {
		...adapter,
		linkAccount: async (account) => {
			if (
				(await hasLinkedAccount(db, account.userId)) &&
				!(await isLiveSessionOf(account.userId))
			) {
				throw new LinkWithoutLiveSessionError();
			}
			await adapter.linkAccount!(account);
		}
	};
}

/** A provider was to be linked to an existing user without a live session of theirs. */
export class LinkWithoutLiveSessionError extends Error {
	name = 'LinkWithoutLiveSessionError';
	message = 'Refused to link a provider: the request holds no live session of that user';
}

async function hasLinkedAccount(db: Database, userId: string): Promise<boolean> {
	const linked = await db
		.select({ provider: accounts.provider })
		.from(accounts)
		.where(eq(accounts.userId, userId))
		.limit(1);
	return linked.length > 0;
}
