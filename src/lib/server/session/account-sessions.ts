import { listAuditEvents } from '../account/audit';
import { listUserSessions } from './user-sessions';

/** What /account/sessions shows: the live sessions, this one marked, and recent events. */
export async function loadAccountSessions(userId: string, currentId: string | undefined) {
	const [sessions, events] = await Promise.all([
		listUserSessions(userId),
		listAuditEvents(userId, 20)
	]);
	return {
		sessions: sessions.map(({ id, userAgent, ip, createdAt, lastSeenAt }) => ({
			id,
			device: userAgent,
			ip,
			createdAt,
			lastSeenAt,
			current: id === currentId
		})),
		events: events.map(({ id, event, detail, at, ip, userAgent }) => ({
			id,
			event,
			detail,
			at,
			ip,
			device: userAgent
		}))
	};
}
