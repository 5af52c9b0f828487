import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db';
import { auditEvents, type AuditEvent, type AuditEventName } from '../db/schema';
import type { RequestClient } from '../http/request-client';

/**
 * Appends one event to the user's audit log. A null user records an event that outlives its
 * user (`account_deleted`). `db` may be a transaction, so that the event commits (or not) with
 * the change it records; `at` defaults to the database's now() (in a transaction, its start).
 */
export async function recordAuditEvent(
	db: Database,
	userId: string | null,
	event: AuditEventName,
	client: RequestClient | null,
	detail?: string,
	at?: Date
): Promise<void> {
	await db.insert(auditEvents).values({
		userId,
		event,
		detail,
		at,
		ip: client?.ip,
		userAgent: client?.userAgent
	});
}

/** Provider token rotations: routine, and frequent with short-lived tokens. */
export const TOKEN_EVENTS: AuditEventName[] = ['token_refreshed', 'refresh_failed', 'refresh_lost'];

/** Everything a person does or that is done to their account: listed apart from rotations. */
export const SECURITY_EVENTS: AuditEventName[] = [
	'sign_in',
	'sign_out',
	'session_revoked',
	'account_linked',
	'account_unlinked'
];

/** Which events to list: only these kinds, and when given, about this detail (e.g. a provider). */
export interface AuditEventFilter {
	events: AuditEventName[];
	detail?: string;
}

/** The user's latest audit events, newest first; with `only`, just the matching ones. */
export function listAuditEvents(
	db: Database,
	userId: string,
	limit = 20,
	only?: AuditEventFilter
): Promise<AuditEvent[]> {
	return db
		.select()
		.from(auditEvents)
		.where(
			and(
				eq(auditEvents.userId, userId),
				only && inArray(auditEvents.event, only.events),
				only?.detail === undefined ? undefined : eq(auditEvents.detail, only.detail)
			)
		)
		.orderBy(desc(auditEvents.at), desc(auditEvents.id))
		.limit(limit);
}
