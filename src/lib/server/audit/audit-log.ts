import { and, desc, eq, getTableName, inArray, sql, type SQLWrapper } from 'drizzle-orm';
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

/**
 * An audit event's row as the select list of an `INSERT ... SELECT` whose user comes from a row
 * changed in the same statement (see `settleRefresh`): the event is recorded exactly when the
 * change is. Drizzle wants every column, in the table's order.
 */
export function auditEventRow(
	userId: SQLWrapper,
	event: AuditEventName,
	client: RequestClient | null,
	detail: string,
	at: Date
) {
	// Note: parameters in a select list are text to Postgres; the casts give them their columns' types.
	return {
		id: sql<number>`nextval(pg_get_serial_sequence(${getTableName(auditEvents)}, ${auditEvents.id.name}))`.as(
			'id'
		),
		userId: sql<string>`${userId}`.as('user_id'),
		event: sql<AuditEventName>`${event}::text`.as('event'),
		detail: sql<string>`${detail}::text`.as('detail'),
		at: sql<Date>`${at.toISOString()}::timestamptz`.as('at'),
		ip: sql<string | null>`${client?.ip ?? null}::text`.as('ip'),
		userAgent: sql<string | null>`${client?.userAgent ?? null}::text`.as('user_agent')
	};
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
