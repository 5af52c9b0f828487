import { desc, eq } from 'drizzle-orm';
import { db } from './db';
import { auditEvents, type AuditEvent, type AuditEventName } from './db/schema';
import type { RequestClient } from './request-client';

/** Appends one event to the user's audit log. */
export async function recordAuditEvent(
	userId: string,
	event: AuditEventName,
	client: RequestClient | null,
	detail?: string
): Promise<void> {
	await db.insert(auditEvents).values({
		userId,
		event,
		detail,
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
