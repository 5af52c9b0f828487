import { isProviderId } from '$lib/auth/types';
import { listAuditEvents, SECURITY_EVENTS, TOKEN_EVENTS } from '../audit/audit-log';
import type { AuditEvent, UserSession } from '../db/schema';
import type { RequestClient } from '../http/request-client';
import type { Database } from '../db';
import type { AccountLimits } from '../http/account-limits';
import type { ProviderSettings } from '../providers/settings';
import { labelProvider } from '../providers/labels';
import { revokeOtherUserSessions, revokeUserSession } from './revocation';
import { listUserSessions, type SessionStore } from './user-sessions';

/** What revoking a listed session needs: the sessions, and the per-session limits. */
interface SessionRevoker extends SessionStore {
	accountLimits: AccountLimits;
}

export type RevokeResult =
	{ ok: true; revoked: number } | { ok: false; status: 400 | 404 | 429; error: string };

/**
 * What /account/sessions shows: the live sessions, this one marked, and recent events, with
 * security events (sign-ins, sign-outs, revocations, links) apart from token rotations, so that
 * hourly rotations never push them off the page.
 */
export async function loadAccountSessions(
	{ db, providers }: { db: Database; providers: ProviderSettings[] },
	userId: string,
	currentId: string | undefined
) {
	const [sessions, events, rotations] = await Promise.all([
		listUserSessions(db, userId),
		listAuditEvents(db, userId, 20, { events: SECURITY_EVENTS }),
		listAuditEvents(db, userId, 10, { events: TOKEN_EVENTS })
	]);
	return {
		sessions: sessions.map(toListedSession(currentId)),
		events: events.map(toListedEvent(providers)),
		rotations: rotations.map(toListedEvent(providers))
	};
}

/**
 * Ends another of the user's sessions from the list (`id`: null when the form named none), and
 * the audit log records it. This browser's own session (`currentId`) ends by signing out instead.
 * Only a revocation that ended a session counts against this session's limit. On failure, the
 * result says why, with the status to answer.
 */
export async function revokeListedSession(
	revoker: SessionRevoker,
	userId: string,
	id: string | null,
	currentId: string,
	client: RequestClient | null
): Promise<RevokeResult> {
	if (id === null) return { ok: false, status: 400, error: 'No session chosen.' };
	if (id === currentId) return { ok: false, status: 400, error: 'To end this session, sign out.' };
	const charge = await revoker.accountLimits.charge('revoke-sessions', currentId);
	if (!charge.allowed) return { ok: false, status: 429, error: charge.error };
	if (!(await revokeUserSession(revoker, userId, id, client))) {
		await charge.refund();
		return { ok: false, status: 404, error: 'That session has already ended.' };
	}
	return { ok: true, revoked: 1 };
}

/**
 * Ends every session of the user but this browser's (`currentId`), and the audit log says so.
 * When there was none to end, it does not count against the limit.
 */
export async function revokeOtherListedSessions(
	revoker: SessionRevoker,
	userId: string,
	currentId: string,
	client: RequestClient | null
): Promise<RevokeResult> {
	const charge = await revoker.accountLimits.charge('revoke-sessions', currentId);
	if (!charge.allowed) return { ok: false, status: 429, error: charge.error };
	const revoked = await revokeOtherUserSessions(revoker, userId, currentId, client);
	if (revoked === 0) await charge.refund();
	return { ok: true, revoked };
}

/**
 * A session as the page lists it, with where it was last used beside where it signed in (a row
 * from before those were recorded has none: the same), and whether they differ: its cookie was
 * used from another browser or address, maybe a copy.
 */
function toListedSession(currentId: string | undefined) {
	return (session: UserSession) => {
		const lastDevice = session.lastUserAgent ?? session.userAgent;
		const lastIp = session.lastIp ?? session.ip;
		return {
			id: session.id,
			device: session.userAgent,
			ip: session.ip,
			lastDevice,
			lastIp,
			moved: lastDevice !== session.userAgent || lastIp !== session.ip,
			createdAt: session.createdAt,
			lastSeenAt: session.lastSeenAt,
			current: session.id === currentId
		};
	};
}

/** An event as the page lists it: a provider in the detail by its name, as the pages call it. */
function toListedEvent(providers: ProviderSettings[]) {
	return ({ id, event, detail, at, ip, userAgent }: AuditEvent) => {
		const shown = isProviderId(detail) ? labelProvider(providers, detail).name : detail;
		return { id, event, detail: shown, at, ip, device: userAgent };
	};
}
