import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { accounts } from '../../db/schema';
import type { AccountKey } from '../account-key';
import type { HeldLease } from './types';

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
