import { eq } from 'drizzle-orm';
import { connectErrorMessage } from '$lib/auth/signin-errors';
import { isProviderId, type ProviderId } from '$lib/auth/types';
import { validateDisplayName } from '$lib/profile';
import type { Database } from '../db';
import { labelProvider, labelProviders } from '../providers/labels';
import type { ProviderSettings } from '../providers/settings';
import type { TokenStore } from '../tokens/forget';
import { users } from '../db/schema';
import type { RequestClient } from '../http/request-client';
import { unlinkAccount } from '../tokens/account-links';
import { listSessionAccounts } from '../tokens/accounts';

export interface Profile {
	id: string;
	name: string | null;
	email: string | null;
	image: string | null;
	providers: ProviderId[];
}

const UNLINK_ERRORS = {
	'not-linked': 'That provider is not linked to your account.',
	'last-account': 'You cannot unlink your only sign-in method. Connect another provider first.'
} as const;

export async function findProfile(db: Database, userId: string): Promise<Profile | null> {
	const [user] = await db
		.select({ id: users.id, name: users.name, email: users.email, image: users.image })
		.from(users)
		.where(eq(users.id, userId));
	if (user === undefined) return null;
	const linked = await listSessionAccounts(db, userId);
	// Note: Auth.js would link a second account of one provider if asked directly: listed once.
	return { ...user, providers: [...new Set(linked.map((account) => account.provider))] };
}

/**
 * What /profile shows: the profile, its linked providers, the configured providers it can still
 * connect, and why connecting one failed (`linkErrorCode`, an Auth.js error code). Null when the
 * user is gone.
 */
export async function readProfilePage(
	{ db, providers: configured }: { db: Database; providers: ProviderSettings[] },
	userId: string,
	linkErrorCode: string | null
) {
	const found = await findProfile(db, userId);
	if (found === null) return null;
	const { providers, ...profile } = found;
	const connectable = configured
		.filter(({ id }) => !providers.includes(id))
		.map(({ id, name }) => ({ id, name }));
	const linked = labelProviders(configured, providers);
	return { profile, linked, connectable, linkError: connectErrorMessage(linkErrorCode) };
}

export type RenameResult = { ok: true; name: string } | { ok: false; name: string; error: string };

/**
 * Saves `input` (a form field) as the user's display name when it is a valid one (see
 * `validateDisplayName`). Otherwise nothing is saved, and the result says why, with the input
 * to show again.
 */
export async function renameUser(
	db: Database,
	userId: string,
	input: unknown
): Promise<RenameResult> {
	const result = validateDisplayName(input);
	if (!result.ok) return { ...result, name: String(input ?? '') };
	await db.update(users).set({ name: result.name }).where(eq(users.id, userId));
	return result;
}

export type UnlinkResult =
	{ ok: true; provider: ProviderId; name: string } | { ok: false; error: string };

/**
 * Unlinks `provider` (a form field) from the user's sign-in methods, with its tokens (see
 * `unlinkAccount`); never their last one. On failure, the result says why. Note: the session
 * cookie lists the linked accounts, so the caller re-issues it after a success.
 */
export async function unlinkSignInMethod(
	store: TokenStore,
	userId: string,
	provider: unknown,
	client: RequestClient | null
): Promise<UnlinkResult> {
	if (!isProviderId(provider)) return { ok: false, error: UNLINK_ERRORS['not-linked'] };
	const outcome = await unlinkAccount(store, userId, provider, client);
	if (outcome !== 'unlinked') return { ok: false, error: UNLINK_ERRORS[outcome] };
	return { ok: true, provider, name: labelProvider(store.providers, provider).name };
}
