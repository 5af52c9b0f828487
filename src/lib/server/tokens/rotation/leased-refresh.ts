import { describeDatabaseError } from '../../db/errors';
import { countLeaseWait, countRefresh } from '../../metrics/refreshes';
import type { AccountKey } from '../account-key';
import { canOpenStoredTokens, FORGOTTEN_TOKENS } from '../accounts';
import { lifeOf } from '../life';
import { claimRefresh, settleRefresh, waitForRelease } from './lease';
import { rotateAtProvider } from './rotate-at-provider';
import type {
	HeldLease,
	RefreshContext,
	RefreshOutcome,
	RefreshReport,
	RefreshRequest
} from './types';

/**
 * Refreshes the stored tokens of `key` so that the provider sees each refresh token once, across
 * every instance: claim the account's lease, call the provider holding no transaction and no
 * connection, then store the new tokens and release the lease in one conditional UPDATE (see
 * `lease.ts`). When another holder has the lease, waits for its release (at most `timeoutMs`) and
 * uses what it stored. Never throws: a database error is an `unavailable` outcome. Logs one JSON
 * line per call, with no token in it.
 */
export async function refreshUnderLease(
	key: AccountKey,
	request: RefreshRequest,
	context: RefreshContext
): Promise<RefreshOutcome> {
	const started = context.now();
	const report: RefreshReport = {};
	let outcome: RefreshOutcome;
	try {
		outcome = await claimAndRefresh(key, request, context, report);
	} catch (error) {
		report.detail = describeDatabaseError(error);
		outcome = { status: 'unavailable' };
	}
	countRefresh(key.provider, outcome.status);
	context.log(
		JSON.stringify({
			event: 'token_refresh',
			// Note: no account or user id: a provider's account id names a person.
			provider: key.provider,
			outcome: outcome.status,
			...report,
			durationMs: context.now() - started
		})
	);
	return outcome;
}

async function claimAndRefresh(
	key: AccountKey,
	request: RefreshRequest,
	context: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	const claim = await claimRefresh(context.db, key, context.leaseMs);
	if (claim.status === 'unlinked') return { status: 'unlinked' };
	if (claim.status === 'held') return useOtherHoldersTokens(key, context, report);
	const held = { key, claimId: claim.claimId, row: claim.row };
	try {
		return await refreshHeld(held, request, context, report);
	} catch (error) {
		// Note: a lease left behind would only delay the next refresh until it runs out.
		await settleRefresh(context, key, held.claimId).catch(() => {});
		throw error;
	}
}

/** Another instance (or a refresh that died) holds the lease: use what it stores. */
async function useOtherHoldersTokens(
	key: AccountKey,
	context: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	report.waited = true;
	const outcome = await waitForOtherHolder(key, context);
	countLeaseWait(key.provider, outcome.status);
	return outcome;
}

async function waitForOtherHolder(
	key: AccountKey,
	context: RefreshContext
): Promise<RefreshOutcome> {
	const { timeoutMs, now, isDue } = context;
	const row = await waitForRelease(context, key, now() + timeoutMs, now);
	if (row === null) return { status: 'unlinked' };
	if (row === 'held' || isDue({ ...key, ...lifeOf(row) })) return { status: 'unavailable' };
	return { status: 'fresh', ...lifeOf(row) };
}

/** With the lease held: rotate when due (or forced) and possible, else release it as it was. */
async function refreshHeld(
	held: HeldLease,
	{ force = false, client = null }: RefreshRequest,
	context: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	const { key, claimId, row } = held;
	// Note: sealed under a removed secret, they would fail every refresh as an outage, forever.
	if (!(await canOpenStoredTokens(row, context.cipher))) {
		report.detail = 'sealed under a secret that is no longer configured: forgotten';
		await settleRefresh(context, key, claimId, FORGOTTEN_TOKENS);
		return { status: 'forgotten' };
	}
	const life = lifeOf(row);
	const due = context.isDue({ ...key, ...life });
	if (!force && !due) {
		await settleRefresh(context, key, claimId);
		return { status: 'fresh', ...life };
	}
	const settings = context.providers.find(({ id }) => id === key.provider);
	if (row.refresh_token === null || settings === undefined) {
		await settleRefresh(context, key, claimId);
		// Nothing to rotate with: fine while the token lasts, final once it is due.
		if (row.refresh_token !== null) return { status: 'unavailable' };
		return due ? { status: 'rejected' } : { status: 'fresh', ...life };
	}
	return rotateAtProvider(held, row.refresh_token, settings, client, context, report);
}
