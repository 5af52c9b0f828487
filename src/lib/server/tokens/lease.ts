import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { ProviderId } from '$lib/auth/types';
import { recordAuditEvent } from '../account/audit';
import { db, subscribe } from '../db';
import { accounts, type Account, type AuditEventName } from '../db/schema';
import type { RequestClient } from '../http/request-client';

/** Which account a session refers to: the key of its `accounts` row. */
export interface AccountKey {
	provider: ProviderId;
	providerAccountId: string;
}

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

const RELEASED = 'latchkey_refresh_released';
// Waiting for another holder: first look again after this long, then back off up to the cap.
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 400;

/**
 * Claims the right to refresh `key` for `leaseMs`, in one conditional UPDATE (its own short
 * transaction): it succeeds only when no live lease holds the account, and returns the row as
 * it is now. Times come from the database's clock, so instances need not agree on theirs.
 */
export async function claimRefresh(key: AccountKey, leaseMs: number): Promise<Claim> {
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
	return (await readLease(key)) === null ? { status: 'unlinked' } : { status: 'held' };
}

/**
 * Stores what a refresh produced and releases its lease, in one short transaction, but only
 * while the lease is still `claimId`'s: a holder that was too slow and lost its lease never
 * overwrites the tokens of the refresh that took over. True when it was stored.
 */
export async function settleRefresh(
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
		await recordAuditEvent(event.userId, event.event, event.client, key.provider, {
			database: tx,
			at: event.at
		});
		return true;
	});
	wake(leaseId(key));
	if (subscribe !== null) {
		// Note: best-effort; a waiter on another instance also polls.
		await db.execute(sql`select pg_notify(${RELEASED}, ${leaseId(key)})`).catch(() => {});
	}
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
	key: AccountKey,
	deadline: number,
	now: () => number
): Promise<Account | null | 'held'> {
	listenForReleases();
	let pause = FIRST_POLL_MS;
	for (;;) {
		const left = deadline - now();
		if (left <= 0) return 'held';
		await released(leaseId(key), Math.min(pause, left));
		pause = Math.min(pause * 2, MAX_POLL_MS);
		const lease = await readLease(key);
		if (lease === null || !lease.held) return lease?.row ?? null;
	}
}

async function readLease(key: AccountKey): Promise<{ row: Account; held: boolean } | null> {
	const [found] = await db
		.select({
			row: accounts,
			held: sql<boolean>`coalesce(${accounts.refreshClaimedUntil} > now(), false)`
		})
		.from(accounts)
		.where(matches(key));
	return found ?? null;
}

// Waiters in this process, by account.
const waiters = new Map<string, Set<() => void>>();

function released(id: string, ms: number): Promise<void> {
	return new Promise((resolve) => {
		const set = waiters.get(id) ?? new Set();
		waiters.set(id, set);
		const done = () => {
			clearTimeout(timer);
			set.delete(done);
			if (set.size === 0) waiters.delete(id);
			resolve();
		};
		const timer = setTimeout(done, ms);
		set.add(done);
	});
}

function wake(id: string): void {
	for (const done of waiters.get(id) ?? []) done();
}

// The database connection this process listens on, once per connection.
let listeningOn: typeof subscribe = null;

/** Subscribes this process to other instances' releases (Postgres server only). */
function listenForReleases(): void {
	if (subscribe === null || listeningOn === subscribe) return;
	listeningOn = subscribe;
	subscribe(RELEASED, wake).catch(() => {
		// Note: polling still ends every wait; the next wait subscribes again.
		listeningOn = null;
	});
}

function leaseId(key: AccountKey): string {
	return `${key.provider}:${key.providerAccountId}`;
}

function matches(key: AccountKey) {
	return and(
		eq(accounts.provider, key.provider),
		eq(accounts.providerAccountId, key.providerAccountId)
	);
}
