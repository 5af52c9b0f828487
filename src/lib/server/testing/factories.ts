import type { AdapterAccount } from '@auth/core/adapters';
import { randomUUID } from 'node:crypto';
import { db } from '../db';
import { users, type User } from '../db/schema';

export async function createUser(overrides: Partial<User> = {}): Promise<User> {
	const id = randomUUID();
	const [user] = await db
		.insert(users)
		.values({ id, name: 'Test User', email: `${id}@example.test`, ...overrides })
		.returning();
	return user!;
}

/** An account as Auth.js hands it to the adapter right after the provider's token response. */
export function buildAccount(
	userId: string,
	overrides: Partial<AdapterAccount> = {}
): AdapterAccount {
	return {
		userId,
		type: 'oauth',
		provider: 'github',
		providerAccountId: randomUUID(),
		access_token: `access-${randomUUID()}`,
		refresh_token: `refresh-${randomUUID()}`,
		expires_at: Math.floor(Date.now() / 1000) + 3600,
		token_type: 'bearer',
		scope: 'read:user user:email',
		...overrides
	};
}
