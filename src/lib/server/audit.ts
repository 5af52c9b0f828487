import { and, desc, eq, inArray } from 'drizzle-orm';
import { db, type Database } from './db';
import { auditEvents, type AuditEvent, type AuditEventName } from './db/schema';
import type { RequestClient } from './request-client';

export interface AuditWriteOptions {
	/** A transaction to write in, so that the event commits (or not) with the change it records. */
	database?: Database;
	/** When it happened; defaults to the database's now(), which in a transaction is its start. */
	at?: Date;
}

/** Appends one event to the user's audit log. */
export async function recordAuditEvent(
	userId: string,
	event: AuditEventName,
	client: RequestClient | null,
	detail?: string,
	{ database = db, at }: AuditWriteOptions = {}
): Promise<void> {
	await database.insert(auditEvents).values({
		userId,
		event,
		detail,
		at,
		ip: client?.ip,
		userAgent: client?.userAgent
	});
}

/** The user's latest audit events, newest first. */
export function listAuditEvents(userId: string, limit = 20): Promise<AuditEvent[]> {
	return db
		.select()
		.from(auditEvents)
		.where(eq(auditEvents.userId, userId))
		.orderBy(desc(auditEvents.at), desc(auditEvents.id))
		.limit(limit);
}

/** The user's latest events of these kinds with this detail (e.g. a provider), newest first. */
export function listAuditEventsFor(
	userId: string,
	events: AuditEventName[],
	detail: string,
	limit: number
): Promise<AuditEvent[]> {
	return db
		.select()
		.from(auditEvents)
		.where(
			and(
				eq(auditEvents.userId, userId),
				inArray(auditEvents.event, events),
				eq(auditEvents.detail, detail)
			)
		)
		.orderBy(desc(auditEvents.at), desc(auditEvents.id))
		.limit(limit);
}
