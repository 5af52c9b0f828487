/**
 * The refresh lease (the model is `lease-protocol.pml`): a refresh claims its account with a
 * lease in the account's row, renews it while it waits on the provider, and releases it with
 * what it stored, each in one conditional UPDATE; waiters learn of a release by NOTIFY on a
 * Postgres server, and by polling everywhere.
 */
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { auditEventRow } from '../../audit/audit-log';
import type { Database, DatabaseConnection } from '../../db';
import { accounts, auditEvents, type Account, type AuditEventName } from '../../db/schema';
import type { RequestClient } from '../../http/request-client';
import { accountKeyId, type AccountKey } from '../account-key';

/** The lease a refresh holds on an account, and the row as it was when claimed. */
export interface HeldLease {
	key: AccountKey;
	claimId: string;
	row: Account;
}

export type Claim =
	| { status: 'claimed'; claimId: string; row: Account }
	/** Another refresh holds a live lease on the account. */
	| { status: 'held' }
	| { status: 'unlinked' };

/** An event to record with the tokens it describes, for the account's user. */
export interface SettledEvent {
	event: AuditEventName;
	client: RequestClient | null;
	at: Date;
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
 * Stores what a refresh produced and releases its lease, with its audit event if given, in one
 * statement (one round trip, atomic without a transaction), but only while the lease is still
 * `claimId`'s: a holder that was too slow and lost its lease never overwrites the tokens of the
 * refresh that took over. True when it was stored.
 */
export async function settleRefresh(
	{ db, releases }: Leases,
	key: AccountKey,
	claimId: string,
	update: Partial<Account> = {},
	event?: SettledEvent
): Promise<boolean> {
	const settle = db
		.update(accounts)
		.set({ ...update, refreshClaimId: null, refreshClaimedUntil: null })
		.where(and(matches(key), eq(accounts.refreshClaimId, claimId)))
		.returning({ userId: accounts.userId });
	let settled: unknown[];
	if (event === undefined) {
		settled = await settle;
	} else {
		// The event's user comes from the updated row: no row, no event.
		const row = db.$with('settled').as(settle);
		const audited = auditEventRow(row.userId, event.event, event.client, key.provider, event.at);
		settled = await db
			.with(row)
			.insert(auditEvents)
			.select((qb) => qb.select(audited).from(row))
			.returning({ id: auditEvents.id });
	}
	await releases.announce(accountKeyId(key));
	return settled.length > 0;
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

/** What a holder knows of its lease while it renews it. */
export interface KeptLease {
	/** True once a renewal found the lease taken by another refresh (or cleared by forgetting). */
	readonly lost: boolean;
}

/**
 * Runs `work` while renewing `held`'s lease every third of `leaseMs`, so that no other instance
 * claims the account while this refresh waits for a late answer or retries a store. A renewal
 * that fails on a database error is skipped (the next one tries again: the lease lasts three
 * periods); one that finds another claim marks the lease `lost`, and renewing stops.
 */
export async function keepLeaseWhile<T>(
	db: Database,
	held: HeldLease,
	leaseMs: number,
	work: (lease: KeptLease) => Promise<T>
): Promise<T> {
	const lease = { lost: false };
	const timer = setInterval(() => {
		// Note: a renewal that lands after the release matches no row: the claim id is gone.
		void renewLease(db, held.key, held.claimId, leaseMs).then(
			(renewed) => {
				if (!renewed) {
					lease.lost = true;
					clearInterval(timer);
				}
			},
			() => {}
		);
	}, leaseMs / 3);
	try {
		return await work(lease);
	} finally {
		clearInterval(timer);
	}
}

/**
 * Extends the lease `claimId` holds on `key` to `leaseMs` from now (the database's clock), only
 * while it is still that claim's. False when another refresh claimed the account, or the
 * account's tokens were forgotten (which clears the lease).
 */
async function renewLease(
	db: Database,
	key: AccountKey,
	claimId: string,
	leaseMs: number
): Promise<boolean> {
	const renewed = await db
		.update(accounts)
		.set({ refreshClaimedUntil: sql`now() + ${leaseMs} * interval '1 millisecond'` })
		.where(
			and(
				eq(accounts.provider, key.provider),
				eq(accounts.providerAccountId, key.providerAccountId),
				eq(accounts.refreshClaimId, claimId)
			)
		)
		.returning({ claimId: accounts.refreshClaimId });
	return renewed.length > 0;
}

// The NOTIFY channel on which an instance announces that it released a lease.
const RELEASED = 'latchkey_refresh_released';

/**
 * How a lease's waiters learn that it was released: in this process at once, and on a Postgres
 * server across instances too, by NOTIFY and LISTEN (best-effort: waiters also poll). One per
 * database connection.
 */
export class ReleaseSignal {
	// Waiters in this process, by lease id.
	readonly #waiters = new Map<string, Set<() => void>>();
	readonly #connection: Pick<DatabaseConnection, 'notify' | 'subscribe'>;
	#listening = false;

	constructor(connection: Pick<DatabaseConnection, 'notify' | 'subscribe'>) {
		this.#connection = connection;
	}

	/**
	 * Wakes whoever waits for the lease `id`: waiters in this process at once, and on a Postgres
	 * server those of other instances too. Note: sent even where this instance cannot LISTEN
	 * (behind a transaction pooler), for those that can.
	 */
	async announce(id: string): Promise<void> {
		this.#wake(id);
		await this.#connection.notify?.(RELEASED, id).catch(() => {});
	}

	/**
	 * Resolves when the lease `id` is announced released (here, or by another instance once
	 * `listen` subscribed), or after `ms` at the latest. It never rejects: the caller reads the
	 * row again either way.
	 */
	releasedOrTimeout(id: string, ms: number): Promise<void> {
		return new Promise((resolve) => {
			const set = this.#waiters.get(id) ?? new Set();
			this.#waiters.set(id, set);
			const done = () => {
				clearTimeout(timer);
				set.delete(done);
				if (set.size === 0) this.#waiters.delete(id);
				resolve();
			};
			const timer = setTimeout(done, ms);
			set.add(done);
		});
	}

	/** Subscribes to other instances' releases (Postgres server only), once. */
	listen(): void {
		const { subscribe } = this.#connection;
		if (subscribe === null || this.#listening) return;
		this.#listening = true;
		subscribe(RELEASED, (id) => this.#wake(id)).catch(() => {
			// Note: polling still ends every wait; the next wait subscribes again.
			this.#listening = false;
		});
	}

	#wake(id: string): void {
		for (const done of this.#waiters.get(id) ?? []) done();
	}
}
