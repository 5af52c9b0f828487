import { and, count, gt, isNull, sql } from 'drizzle-orm';
import { Gauge } from 'prom-client';
import { ACTIVE_SESSIONS_COUNT_INTERVAL_MS } from '$lib/timings';
import type { Database } from '../db';
import { describeDatabaseError } from '../db/errors';
import { userSessions } from '../db/schema';
import { registry } from './registry';

export const ACTIVE_SESSIONS_GAUGE = 'latchkey_active_sessions';

/**
 * The sessions that can still be used, for all instances together: not revoked, and seen within
 * `maxAgeSeconds` (a session idle for longer has an expired cookie, though its row stays live).
 */
export async function countActiveSessions(
	database: Database,
	maxAgeSeconds: number
): Promise<number> {
	const [row] = await database
		.select({ sessions: count() })
		.from(userSessions)
		.where(
			and(
				isNull(userSessions.revokedAt),
				gt(userSessions.lastSeenAt, sql`now() - ${maxAgeSeconds} * interval '1 second'`)
			)
		);
	return row?.sessions ?? 0;
}

/**
 * `read`, called at most once per `intervalMs` however often it is asked (a failed read counts):
 * in between, and when a read fails, it answers the last value read (null before the first).
 * Concurrent asks share the read under way.
 */
export function throttleReads(
	read: () => Promise<number>,
	intervalMs: number,
	now = Date.now
): () => Promise<number | null> {
	let last: number | null = null;
	let readAt = -Infinity;
	let reading: Promise<number | null> | null = null;
	return () => {
		if (reading !== null) return reading;
		if (now() - readAt < intervalMs) return Promise.resolve(last);
		readAt = now();
		reading = read()
			.then(
				(value) => (last = value),
				(error) => {
					console.warn(`[metrics] active sessions not counted: ${describeDatabaseError(error)}`);
					return last;
				}
			)
			.finally(() => (reading = null));
		return reading;
	};
}

/**
 * The gauge of active sessions of the database `db`, for sessions that live `maxAgeSeconds`:
 * counted when scraped, at most once a minute.
 */
export function watchActiveSessions(db: Database, maxAgeSeconds: number): Gauge {
	const readActiveSessions = throttleReads(
		() => countActiveSessions(db, maxAgeSeconds),
		ACTIVE_SESSIONS_COUNT_INTERVAL_MS
	);
	return new Gauge({
		name: ACTIVE_SESSIONS_GAUGE,
		help: 'Sessions not revoked and seen within AUTH_SESSION_MAX_AGE, for all instances together; counted at most once a minute.',
		registers: [registry],
		async collect() {
			const sessions = await readActiveSessions();
			if (sessions !== null) this.set(sessions);
		}
	});
}
