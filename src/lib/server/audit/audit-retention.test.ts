import { expect, it } from 'vitest';
import { auditEvents, maintenanceRuns } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { listAuditEvents, recordAuditEvent } from './audit-log';
import { pruneAuditLog } from './audit-retention';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

describeWithDatabases('the bounded audit log', (app) => {
	it('prunes events older than the retention, at most once an hour, with an injected clock', async () => {
		await app.db.delete(maintenanceRuns);
		const user = await createUser(app.db);
		const now = new Date('2026-12-01T12:00:00Z');
		const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS);
		await recordAuditEvent(app.db, user.id, 'sign_in', null, 'github', at(91));
		await recordAuditEvent(app.db, null, 'account_deleted', null, undefined, at(120));
		await recordAuditEvent(app.db, user.id, 'sign_out', null, undefined, at(89));

		expect(await pruneAuditLog(app.db, { retentionDays: 90, now })).toBe(2);
		expect((await listAuditEvents(app.db, user.id)).map(({ event }) => event)).toEqual([
			'sign_out'
		]);

		// Within the hour nothing runs, even with events due; an hour later it does.
		await recordAuditEvent(app.db, user.id, 'sign_in', null, 'google', at(100));
		const soon = new Date(now.getTime() + HOUR_MS - 1);
		expect(await pruneAuditLog(app.db, { retentionDays: 90, now: soon })).toBeNull();
		const later = new Date(now.getTime() + HOUR_MS);
		expect(await pruneAuditLog(app.db, { retentionDays: 90, now: later })).toBe(1);
		expect(
			await app.db
				.select()
				.from(auditEvents)
				.then((rows) => rows.length)
		).toBe(1);
	});

	it('runs once when instances try together: the others skip', async () => {
		await app.db.delete(maintenanceRuns);
		const now = new Date('2027-01-01T00:00:00Z');
		const results = await Promise.all(
			Array.from({ length: 4 }, () => pruneAuditLog(app.db, { retentionDays: 90, now }))
		);
		expect(results.filter((result) => result !== null)).toHaveLength(1);
	});
});
