import { and, eq } from 'drizzle-orm';
import type { ProviderId } from '$lib/auth/types';
import { recordAuditEvent } from '../audit/audit-log';
import { accounts } from '../db/schema';
import type { RequestClient } from '../http/request-client';
import { revokeStoredTokens, selectStoredTokens, type TokenStore } from './forget';

export type UnlinkOutcome =
	| 'unlinked'
	/** The user has no account at that provider. */
	| 'not-linked'
	/** It is the user's only way to sign in: removing it would lock them out. */
	| 'last-account';

/**
 * Removes a provider from the user's sign-in methods, with its stored tokens, records
 * `account_unlinked`, then asks the provider to revoke the tokens (best-effort). Refuses to
 * remove the last provider. Race-safe: the user's account rows stay locked (`FOR UPDATE`) from
 * the count to the delete, so two concurrent unlinks cannot each remove one and leave none.
 * Note: a refresh under way holds no lock (its lease is a column): if it finishes after the
 * delete, its conditional update finds no row, and the provider has revoked that grant anyway.
 */
export async function unlinkAccount(
	store: TokenStore,
	userId: string,
	provider: ProviderId,
	client: RequestClient | null
): Promise<UnlinkOutcome> {
	const { db } = store;
	const outcome = await db.transaction(async (tx) => {
		const linked = await selectStoredTokens(tx, userId).for('update');
		// Note: Auth.js would link a second account of one provider if asked directly; both go.
		const removed = linked.filter((row) => row.provider === provider);
		if (removed.length === 0) return 'not-linked';
		if (removed.length === linked.length) return 'last-account';
		await tx
			.delete(accounts)
			.where(and(eq(accounts.userId, userId), eq(accounts.provider, provider)));
		return removed;
	});
	if (typeof outcome === 'string') return outcome;
	await recordAuditEvent(db, userId, 'account_unlinked', client, provider);
	await revokeStoredTokens(store, outcome);
	return 'unlinked';
}
