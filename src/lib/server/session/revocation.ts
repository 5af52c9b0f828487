import { and, eq, isNull, ne } from 'drizzle-orm';
import { recordAuditEvent } from '../audit/audit-log';
import { userSessions } from '../db/schema';
import type { RequestClient } from '../http/request-client';
import { countSignOut } from '../metrics/sign-ins';
import { forgetProviderTokens, type TokenStore } from '../tokens/forget';
import {
	forgetFoundLive,
	listUserSessions,
	updateLiveSession,
	type SessionStore
} from './user-sessions';

/**
 * Revokes one of the user's sessions, and the audit log records it (`session_revoked`, with the
 * `client` that asked). False when it is not theirs or already ended.
 */
export async function revokeUserSession(
	store: SessionStore,
	userId: string,
	id: string,
	client: RequestClient | null
): Promise<boolean> {
	if (!(await markRevoked(store, userId, id))) return false;
	await recordAuditEvent(store.db, userId, 'session_revoked', client);
	return true;
}

/** Revokes every live session of the user but `keepId`, and logs it; returns how many. */
export async function revokeOtherUserSessions(
	{ db, foundLive }: SessionStore,
	userId: string,
	keepId: string,
	client: RequestClient | null
): Promise<number> {
	const revoked = await db
		.update(userSessions)
		.set({ revokedAt: new Date() })
		.where(
			and(
				eq(userSessions.userId, userId),
				ne(userSessions.id, keepId),
				isNull(userSessions.revokedAt)
			)
		)
		.returning({ id: userSessions.id });
	forgetFoundLive(
		foundLive,
		revoked.map(({ id }) => id)
	);
	if (revoked.length > 0) {
		await recordAuditEvent(db, userId, 'session_revoked', client, `${revoked.length} sessions`);
	}
	return revoked.length;
}

/**
 * Sign-out: the session is revoked and the audit log says so. When it was the user's last live
 * session, no session needs the provider tokens any more: they are deleted and revoked.
 */
export async function endUserSession(
	store: TokenStore & SessionStore,
	userId: string,
	id: string,
	client: RequestClient | null
): Promise<void> {
	const { db } = store;
	if (!(await markRevoked(store, userId, id))) return;
	await recordAuditEvent(db, userId, 'sign_out', client);
	countSignOut();
	if ((await listUserSessions(db, userId)).length === 0) await forgetProviderTokens(store, userId);
}

function markRevoked(
	{ db, foundLive }: SessionStore,
	userId: string,
	id: string
): Promise<boolean> {
	forgetFoundLive(foundLive, [id]);
	return updateLiveSession(db, userId, id, { revokedAt: new Date() });
}
