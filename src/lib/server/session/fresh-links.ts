import type { JWT } from '@auth/core/jwt';
import { PATHS, signInPath } from '$lib/paths';
import { listSessionAccounts } from '../tokens/accounts';
import type { Database } from '../db';
import { isSessionFresh } from './lifetime';

/** The provider account a sign-in at the provider came back with. */
interface SignedInAccount {
	provider: string;
	providerAccountId: string;
}

/**
 * Auth.js's `signIn` callback, before it links anything: a sign-in while signed in (`current`,
 * the request's session claims) either signs in again with one of the user's own accounts, which
 * is allowed, or links a new one to them, which needs a fresh session. Otherwise the browser is
 * sent to sign in again first, and back to the profile, where providers are connected. True to
 * go on, else where to go instead.
 * Note: /signin asks first (`startSignIn`); this holds for a sign-in started by any other way.
 */
export async function checkProviderSignIn(
	db: Database,
	current: JWT | null,
	account: SignedInAccount,
	freshAgeSeconds: number,
	now = Date.now()
): Promise<true | string> {
	if (!current?.sub || isSessionFresh(current.authAt, freshAgeSeconds, now)) return true;
	const linked = await listSessionAccounts(db, current.sub);
	const own = linked.some(
		({ provider, providerAccountId }) =>
			provider === account.provider && providerAccountId === account.providerAccountId
	);
	if (own) return true;
	return signInPath(new URL(PATHS.profile, 'http://localhost'), { reauth: true });
}
