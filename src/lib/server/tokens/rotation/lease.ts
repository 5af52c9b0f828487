import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { recordAuditEvent } from '../../audit/audit-log';
import type { Database } from '../../db';
import { accounts, type Account, type AuditEventName } from '../../db/schema';
import type { RequestClient } from '../../http/request-client';
import { accountKeyId, type AccountKey } from '../account-key';
import type { ReleaseSignal } from './release-signal';

export type Claim =
	| { status: 'claimed'; claimId: string; row: Account }
	/** Another refresh holds a live lease on the account. */
	| { status: 'held' }
	| { status: 'unlinked' };

/** An event to record in the same transaction as the tokens it describes. */
export interface SettledEvent {
	userId: string;
	event: AuditEventName;
	client: RequestClient | null;
	at?: Date;
}

/** Where leases live: the database, and how their releases reach the waiters. */
export interface Leases {
	db: Database;
	releases: ReleaseSignal;
}

// Waiting for another holder: first look again after this long, then back off up to the cap.
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 400;

/**
 * Claims the right to refresh `key` for `leaseMs`, in one conditional UPDATE (its own short
 * transaction): it succeeds only when no live lease holds the account, and returns the row as
 * it is now. Times come from the database's clock, so instances need not agree on theirs.
 */
export async function claimRefresh(db: Database, key: AccountKey, leaseMs: number): Promise<Claim> {
	const claimId = crypto.randomUUID();
	const [row] = await db
		.update(accounts)
		.set({
			refreshClaimId: claimId,
			refreshClaimedUntil: sql`now() + ${leaseMs} * interval '1 millisecond'`
		})
		.where(
			and(
				matches(key),
				or(isNull(accounts.refreshClaimedUntil), lt(accounts.refreshClaimedUntil, sql`now()`))
			)
		)
		.returning();
	if (row !== undefined) return { status: 'claimed', claimId, row };
	return (await readLease(db, key)) === null ? { status: 'unlinked' } : { status: 'held' };
}

/**
 * Stores what a refresh produced and releases its lease, in one short transaction, but only
 * while the lease is still `claimId`'s: a holder that was too slow and lost its lease never
 * overwrites the tokens of the refresh that took over. True when it was stored.
 */
export async function settleRefresh(
	{ db, releases }: Leases,
	key: AccountKey,
	claimId: string,
	update: Partial<Account> = {},
	event?: SettledEvent
): Promise<boolean> {
	const stored = await db.transaction(async (tx) => {
		const [row] = await tx
			.update(accounts)
			.set({ ...update, refreshClaimId: null, refreshClaimedUntil: null })
			.where(and(matches(key), eq(accounts.refreshClaimId, claimId)))
			.returning({ userId: accounts.userId });
		if (row === undefined || event === undefined) return row !== undefined;
		// Note: in the transaction, so the log never shows a change that did not commit.
		await recordAuditEvent(tx, event.userId, event.event, event.client, key.provider, event.at);
		return true;
	});
	await releases.announce(accountKeyId(key));
	return stored;
}

/**
 * Waits until no live lease holds `key` (its holder settled, or its lease ran out), or until
 * `deadline` (epoch ms). Returns the row then, `'held'` when the deadline came first, or null
 * when the account is gone. On a Postgres server a NOTIFY from the holder's instance ends the
 * wait early; otherwise the row is polled with backoff (PGlite serves one process, where the
 * holder is a refresh in this same process and wakes its waiters directly).
 */
export async function waitForRelease(
	{ db, releases }: Leases,
	key: AccountKey,
	deadline: number,
	now: () => number
): Promise<Account | null | 'held'> {
	releases.listen();
	let pause = FIRST_POLL_MS;
	for (;;) {
		const left = deadline - now();
		if (left <= 0) return 'held';
		await releases.releasedOrTimeout(accountKeyId(key), Math.min(pause, left));
		pause = Math.min(pause * 2, MAX_POLL_MS);
		const lease = await readLease(db, key);
		if (lease === null || !lease.held) return lease?.row ?? null;
	}
}

async function readLease(
	db: Database,
	key: AccountKey
): Promise<{ row: Account; held: boolean } | null> {
	const [found] = await db
		.select({
			row: accounts,
			held: sql<boolean>`coalesce(${accounts.refreshClaimedUntil} > now(), false)`
		})
		.from(accounts)
		.where(matches(key));
	return found ?? null;
}

function matches(key: AccountKey) {
	return and(
		eq(accounts.provider, key.provider),
		eq(accounts.providerAccountId, key.providerAccountId)
	);
}
