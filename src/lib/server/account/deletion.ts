import { eq } from 'drizzle-orm';
import { DELETE_CONFIRMATION } from '$lib/profile';
import { users } from '../db/schema';
import type { RequestClient } from '../http/request-client';
import { revokeStoredTokens, selectStoredTokens, type TokenStore } from '../tokens/forget';
import { recordAuditEvent } from '../audit/audit-log';

/**
 * Deletes the user's account, and records that it happened. In one transaction the user goes
 * with, through the foreign keys' cascades, their linked accounts (and so the stored tokens),
 * sessions and audit log, and `account_deleted` is recorded with no user: it keeps when, from
 * which address and browser, but no longer whose. Once that committed, the providers are asked
 * to revoke the tokens (best-effort, see `revokeStoredTokens`), as unlinking does.
 * Note: nothing is recorded for a user that no longer exists.
 */
export async function deleteAccount(
	store: TokenStore,
	userId: string,
	client: RequestClient | null
): Promise<void> {
	const tokens = await store.db.transaction(async (tx) => {
		const rows = await selectStoredTokens(tx, userId).for('update');
		const deleted = await tx.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
		if (deleted.length === 0) return [];
		await recordAuditEvent(tx, null, 'account_deleted', client);
		return rows;
	});
	await revokeStoredTokens(store, tokens);
}

/** Why `input` (a form field) does not confirm deleting the account, or null when it does. */
export function checkDeletionConfirmation(input: unknown): string | null {
	return input === DELETE_CONFIRMATION ? null : `Type ${DELETE_CONFIRMATION} to confirm.`;
}
