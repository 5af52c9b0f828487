import type { ProviderId } from '$lib/auth/types';
import type { Database } from '../db';
import { listAuditEvents } from '../audit/audit-log';

/** How many past rotations /connections draws on a provider's timeline. */
export const ROTATIONS_SHOWN = 5;

/** The life of a provider's current token chain, from the audit log and the account row. */
export interface TokenHistory {
	/**
	 * The last sign-in with this provider, or its linking: either stored a fresh grant. Null when
	 * the log no longer has it within reach.
	 */
	signedInAt: Date | null;
	/** Rotations since that sign-in, newest first, at most `ROTATIONS_SHOWN`. */
	rotations: Date[];
	/** When the current access token was issued: by that sign-in or by the latest rotation. */
	issuedAt: Date | null;
}

/**
 * Reads the token history of a user's `provider` account. `rotatedAt` is the account row's last
 * rotation: it also covers rotations made before the log recorded them.
 */
export async function readTokenHistory(
	db: Database,
	userId: string,
	provider: ProviderId,
	rotatedAt: Date | null
): Promise<TokenHistory> {
	// Note: one more than shown, so that the sign-in is found when it closes a full list.
	const events = await listAuditEvents(db, userId, ROTATIONS_SHOWN + 1, {
		events: ['sign_in', 'account_linked', 'token_refreshed'],
		detail: provider
	});
	// A sign-in, or linking the provider while signed in, stored a fresh grant: the chain starts.
	const signInIndex = events.findIndex(({ event }) => event !== 'token_refreshed');
	const sinceSignIn = signInIndex === -1 ? events : events.slice(0, signInIndex);
	const rotations = sinceSignIn.slice(0, ROTATIONS_SHOWN).map(({ at }) => at);
	const signedInAt = signInIndex === -1 ? null : events[signInIndex]!.at;
	// Note: a sign-in replaces the tokens but leaves rotatedAt, so the later of the two wins.
	const latest = events[0]?.at ?? null;
	const issuedAt =
		latest === null || (rotatedAt !== null && rotatedAt > latest) ? rotatedAt : latest;
	return { signedInAt, rotations, issuedAt };
}
