import { eq } from 'drizzle-orm';
import type { ProviderId } from '$lib/auth/types';
import { listSessionAccounts } from '../tokens/accounts';
import { db } from '../db';
import { users } from '../db/schema';

export interface Profile {
	id: string;
	name: string | null;
	email: string | null;
	image: string | null;
	providers: ProviderId[];
}

export async function findProfile(userId: string): Promise<Profile | null> {
	const [user] = await db
		.select({ id: users.id, name: users.name, email: users.email, image: users.image })
		.from(users)
		.where(eq(users.id, userId));
	if (user === undefined) return null;
	const linked = await listSessionAccounts(userId);
	// Note: Auth.js would link a second account of one provider if asked directly: listed once.
	return { ...user, providers: [...new Set(linked.map((account) => account.provider))] };
}

export async function renameUser(userId: string, name: string): Promise<void> {
	await db.update(users).set({ name }).where(eq(users.id, userId));
}

/**
 * Deletes the user and, through the foreign keys' cascades, their linked accounts with the
 * stored tokens, their sessions and their audit log.
 */
export async function deleteUser(userId: string): Promise<void> {
	await db.delete(users).where(eq(users.id, userId));
}
