import type { JWT } from '@auth/core/jwt';
import type { Account as AuthAccount, User } from '@auth/core/types';
import { findProfile } from '../account/profile';
import type { TokenCipher } from '../tokens/cipher';
import type { TokenRotator } from '../tokens/rotation/token-rotator';
import type { SessionSettings } from './policy';
import type { RequestClient } from '../http/request-client';
import { listSessionAccounts, storeAccountTokens } from '../tokens/accounts';
import {
	leavesAccountsAsTheyAre,
	renewDueAccounts,
	renewInBackground
} from '../tokens/renew-due-accounts';
import { hasSessionEnded } from './lifetime';
import {
	checkUserSession,
	continueOrStartSession,
	isSessionCheckDue,
	type SessionStore
} from './user-sessions';

/** What the session's claims are checked and renewed with. */
export interface ClaimsServices extends SessionStore {
	cipher: TokenCipher;
	rotator: TokenRotator;
	session: SessionSettings;
}

/** What the jwt callback is given, and what it needs from the request. */
export interface ClaimsUpdate {
	token: JWT;
	user?: User;
	account?: AuthAccount | null;
	trigger?: 'signIn' | 'signUp' | 'update';
	client: RequestClient | null;
	/** The claims of the cookie the request carries (for a sign-in: is this a link?). */
	readCurrentClaims: () => Promise<JWT | null>;
}

/**
 * True when the claims need nothing from the jwt callback: the session has not reached its
 * absolute end, its sign-in time is known, it was found live within the check interval, and each
 * provider token is either not due or due but still valid with no newer outcome known (its
 * refresh runs in the background: `renewInBackground`). The one predicate that both the fast
 * path (`readSession`) and the callback (`updateSessionClaims`) decide by.
 */
export function isSessionCurrent(
	claims: JWT,
	services: Pick<ClaimsServices, 'rotator' | 'session' | 'foundLive'>,
	now = Date.now()
): boolean {
	const { session: policy, rotator } = services;
	if (hasSessionEnded(claims, policy.absoluteMaxAgeSeconds, now)) return false;
	if (claims.authAt === undefined) return false;
	if (isSessionCheckDue(claims, policy.checkIntervalSeconds, services.foundLive, now)) return false;
	return leavesAccountsAsTheyAre(claims, rotator);
}

/**
 * The jwt callback. A sign-in stores the provider's tokens and keeps only references in the
 * cookie; otherwise the session is checked (once per interval), re-read on an update, and its
 * due provider tokens renewed. Null signs the browser out.
 * Note: a decoded token is frozen (see `codec.ts`): changes make a new one.
 */
export async function updateSessionClaims(
	update: ClaimsUpdate,
	services: ClaimsServices
): Promise<JWT | null> {
	const { db } = services;
	const { user, account, trigger, client } = update;
	if (account) {
		// Sign-in, or linking a provider while signed in (Auth.js linked it to the user of the
		// request's live session cookie): the cookie keeps a reference, the tokens go to the database.
		await storeAccountTokens(db, account, services.cipher);
		const current = await update.readCurrentClaims();
		const sid = await continueOrStartSession(
			services,
			user!.id!,
			current,
			account.provider,
			client
		);
		const accounts = await listSessionAccounts(db, user!.id!);
		// The browser has just signed in at the provider: its absolute end and freshness restart.
		const now = Math.floor(Date.now() / 1000);
		return { ...update.token, accounts, sid, sidCheckedAt: now, authAt: now };
	}
	if (trigger !== 'update' && isSessionCurrent(update.token, services)) {
		renewInBackground(update.token, services.rotator, () => client);
		return update.token;
	}
	// A revoked or unknown session signs out, checked at most once per interval; past its
	// absolute end, a session is over however recently it was used.
	const { checkIntervalSeconds, absoluteMaxAgeSeconds } = services.session;
	let token = await checkUserSession(services, update.token, checkIntervalSeconds, client);
	if (token === null || hasSessionEnded(token, absoluteMaxAgeSeconds)) return null;
	if (trigger === 'update' && token.sub) {
		// Note: the posted data is ignored; the database is the source of truth.
		const profile = await findProfile(db, token.sub);
		if (profile === null) return null;
		const accounts = await listSessionAccounts(db, token.sub);
		token = { ...token, name: profile.name, picture: profile.image, accounts };
	}
	return renewDueAccounts(token, services.rotator, client);
}
