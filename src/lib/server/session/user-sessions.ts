import type { JWT } from '@auth/core/jwt';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { recordAuditEvent } from '../audit/audit-log';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db';
import { countSignIn } from '../metrics/sign-ins';
import { userSessions, type UserSession } from '../db/schema';
import type { RequestClient } from '../http/request-client';

/** Records a new sign-in and returns its id, which the JWT carries as `sid`. */
export async function startUserSession(
	db: Database,
	userId: string,
	client: RequestClient | null
): Promise<string> {
	const id = crypto.randomUUID();
	const ip = client?.ip ?? UNKNOWN_CLIENT.ip;
	const userAgent = client?.userAgent ?? UNKNOWN_CLIENT.userAgent;
	await db
		.insert(userSessions)
		.values({ id, userId, ip, userAgent, lastIp: ip, lastUserAgent: userAgent });
	return id;
}

const UNKNOWN_CLIENT: RequestClient = { ip: 'unknown', userAgent: 'Unknown browser' };

/**
 * The session of a completed OAuth sign-in. When the browser already holds a live session of
 * this user, Auth.js has just linked another provider to them: linking is not a sign-in, so that
 * session goes on (a new row would leave the old one live but unused). Otherwise a new session
 * starts and the audit log records the sign-in. Returns the session's id.
 */
export async function continueOrStartSession(
	store: SessionStore,
	userId: string,
	current: JWT | null,
	provider: string,
	client: RequestClient | null
): Promise<string> {
	const { db } = store;
	const sid = current?.sub === userId ? current.sid : undefined;
	if (sid !== undefined && (await touchUserSession(store, sid, userId, client))) return sid;
	const started = await startUserSession(db, userId, client);
	await recordAuditEvent(db, userId, 'sign_in', client, provider);
	countSignIn(provider);
	return started;
}

/**
 * When this process last found each session live (sid → epoch seconds). A client that replays an
 * old cookie (the check's re-issued one never stored) is then not checked on every request.
 */
export type FoundLive = LRUCache<string, number>;

/** An empty memo of live sessions, one per app. */
export function createFoundLive(): FoundLive {
	// Note: an entry only spares one indexed update per interval; 10 000 sessions is plenty.
	return new LRUCache<string, number>({ max: 10_000 });
}

/** Where sessions are kept, and this process's memo of the ones it found live. */
export interface SessionStore {
	db: Database;
	foundLive: FoundLive;
}

/**
 * True when the JWT's session has not been found live for `intervalSeconds`, by the cookie's
 * own record or by this process's memory of it.
 */
export function isSessionCheckDue(
	token: JWT,
	intervalSeconds: number,
	foundLive: FoundLive,
	now = Date.now()
): boolean {
	if (token.sid === undefined) return true;
	const checkedAt = Math.max(
		token.sidCheckedAt ?? -Infinity,
		foundLive.get(token.sid) ?? -Infinity
	);
	return now / 1000 - checkedAt >= intervalSeconds;
}

/**
 * Marks the session seen now, by `client` when known (its browser and address become the
 * session's last ones), if it is still live. False when it was revoked, deleted or never
 * existed: that JWT must no longer sign anyone in. One indexed update.
 */
export async function touchUserSession(
	store: SessionStore,
	id: string,
	userId: string,
	client: RequestClient | null = null
): Promise<boolean> {
	return (await touchLiveSession(store, id, userId, client)) !== null;
}

/** `touchUserSession`, giving when the session signed in (null: not live). */
async function touchLiveSession(
	{ db, foundLive }: SessionStore,
	id: string,
	userId: string,
	client: RequestClient | null
): Promise<Date | null> {
	const seen = client && { lastIp: client.ip, lastUserAgent: client.userAgent };
	const [touched] = await db
		.update(userSessions)
		.set({ lastSeenAt: new Date(), ...seen })
		.where(live(userId, id))
		.returning({ createdAt: userSessions.createdAt });
	if (touched === undefined) return null;
	foundLive.set(id, Math.floor(Date.now() / 1000));
	return touched.createdAt;
}

/** The user's live sessions, most recently seen first. */
export function listUserSessions(db: Database, userId: string): Promise<UserSession[]> {
	return db
		.select()
		.from(userSessions)
		.where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
		.orderBy(desc(userSessions.lastSeenAt));
}

/** Forgets that this process found these sessions live: for sessions just revoked. */
export function forgetFoundLive(foundLive: FoundLive, ids: string[]): void {
	for (const id of ids) foundLive.delete(id);
}

/** Changes the user's session `id` only while it is live; false when it is not. */
export async function updateLiveSession(
	db: Database,
	userId: string,
	id: string,
	change: Partial<UserSession>
): Promise<boolean> {
	const updated = await db
		.update(userSessions)
		.set(change)
		.where(live(userId, id))
		.returning({ id: userSessions.id });
	return updated.length > 0;
}

function live(userId: string, id: string) {
	return and(
		eq(userSessions.id, id),
		eq(userSessions.userId, userId),
		isNull(userSessions.revokedAt)
	);
}

/**
 * For the jwt callback: when the check is due, the JWT stays valid only if its session is still
 * live, and then records when it was checked, and by which `client`. Null means signed out
 * (Auth.js clears the cookie). A cookie from before the `authAt` claim is checked now, and takes
 * its session's sign-in time for it.
 */
export async function checkUserSession(
	store: SessionStore,
	token: JWT,
	intervalSeconds: number,
	client: RequestClient | null
): Promise<JWT | null> {
	const due =
		isSessionCheckDue(token, intervalSeconds, store.foundLive) || token.authAt === undefined;
	if (!due) return token;
	if (!token.sub || !token.sid) return null;
	const signedInAt = await touchLiveSession(store, token.sid, token.sub, client);
	if (signedInAt === null) return null;
	const authAt = token.authAt ?? Math.floor(signedInAt.getTime() / 1000);
	return { ...token, authAt, sidCheckedAt: Math.floor(Date.now() / 1000) };
}
