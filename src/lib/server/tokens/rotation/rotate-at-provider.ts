import { describeDatabaseError } from '../../db/errors';
import type { RequestClient } from '../../http/request-client';
import { measureProviderCall } from '../../metrics/refreshes';
import { refreshAtProvider, type IssuedTokens, type RefreshResult } from '../../providers/refresh';
import type { ProviderSettings } from '../../providers/settings';
import { sealIssuedTokens } from '../accounts';
import { lifeOf } from '../life';
import { storeWithRetries } from './kept-answers';
import { settleRefresh, type SettledEvent } from './lease';
import { keepLeaseWhile } from './lease-keeper';
import { dropOrphanedAnswer } from './orphaned-answer';
import type { HeldLease, RefreshContext, RefreshOutcome, RefreshReport } from './types';

// What forgetting a lost grant's tokens stores: nothing is due until the user reconnects.
const NO_TOKENS = {
	access_token: null,
	refresh_token: null,
	id_token: null,
	expires_at: null,
	tokenIssuedAt: null
};

/**
 * With the lease held (and renewed meanwhile): sends the refresh token to the provider, waiting
 * for its answer up to the hard limit, and stores the answer with its audit event in the
 * transaction that releases the lease, only while the lease is still ours. An answer is never
 * dropped because the database is down: it is kept (sealed) in memory and stored when the
 * database is back (`storeAnswer`). A definitive refusal forgets the refresh token, so that no
 * instance sends it again; an unspent one only releases the lease; an unknown fate gets one
 * prompt retry (`sendWithOneRetry`), and is `lost` when that does not bring tokens either.
 */
export async function rotateAtProvider(
	held: HeldLease,
	sealedRefreshToken: string,
	settings: ProviderSettings,
	client: RequestClient | null,
	context: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	const { key, claimId, row } = held;
	const refreshToken = await context.cipher.decrypt(sealedRefreshToken);
	const result = await keepLeaseWhile(context.db, held, context.leaseMs, () =>
		sendWithOneRetry(held, refreshToken, settings, context, report)
	);
	const event = { userId: row.userId, client, at: new Date(context.now()) };
	if (result.ok) return storeAnswer(held, result.tokens, settings, event, context, report);
	report.detail = result.reason;
	if (result.fate === 'unspent') {
		await settleRefresh(context, key, claimId);
		return { status: 'unavailable' };
	}
	if (report.retried) {
		await settleRefresh(context, key, claimId, NO_TOKENS, { ...event, event: 'refresh_lost' });
		return { status: 'lost' };
	}
	await settleRefresh(
		context,
		key,
		claimId,
		{ refresh_token: null },
		{ ...event, event: 'refresh_failed' }
	);
	return { status: 'rejected' };
}

/**
 * One send, and when its fate is unknown one prompt retry with the same refresh token: a
 * provider that never got it, or one with a reuse grace period (Okta, Auth0), answers it; one
 * with strict reuse detection refuses it, and its grant was lost with the answer anyway. The
 * token is never sent a third time for that unknown fate.
 */
async function sendWithOneRetry(
	{ key }: HeldLease,
	refreshToken: string,
	settings: ProviderSettings,
	{ hardLimitMs, now }: RefreshContext,
	report: RefreshReport
): Promise<RefreshResult> {
	const send = () =>
		measureProviderCall(key.provider, () =>
			refreshAtProvider(settings, refreshToken, hardLimitMs, now)
		);
	const first = await send();
	if (first.ok || first.fate !== 'unknown') return first;
	report.retried = true;
	return send();
}

/**
 * Stores the provider's answer. When the database cannot take it, the answer is kept in memory
 * (`KeptAnswers`) and the store retried with backoff, the lease renewed meanwhile, up to the hard
 * limit; the refresh counts as rotated at once, so this process's requests use the new tokens.
 */
async function storeAnswer(
	held: HeldLease,
	tokens: IssuedTokens,
	settings: ProviderSettings,
	event: Omit<SettledEvent, 'event'>,
	context: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	const { key, claimId, row } = held;
	const update = await sealIssuedTokens(tokens, row, context.cipher, event.at!);
	const store = () =>
		settleRefresh(context, key, claimId, update, { ...event, event: 'token_refreshed' });
	const rotated: RefreshOutcome = { status: 'rotated', ...lifeOf(update) };
	try {
		if (await store()) return rotated;
	} catch (error) {
		report.detail = `kept until the database is back: ${describeDatabaseError(error)}`;
		const started = context.now();
		const storing = keepLeaseWhile(context.db, held, context.leaseMs, () =>
			storeWithRetries(store, started + context.hardLimitMs, context.now)
		).then(async (outcome) => {
			const revoked =
				outcome === 'refused' && (await dropOrphanedAnswer(context.db, key, tokens, settings));
			context.log(
				JSON.stringify({
					event: 'token_store',
					provider: key.provider,
					outcome,
					...(revoked && { revoked }),
					durationMs: context.now() - started
				})
			);
		});
		context.kept.keep(
			key,
			update,
			storing.catch(() => {})
		);
		return rotated;
	}
	const revoked = await dropOrphanedAnswer(context.db, key, tokens, settings);
	report.detail = revoked
		? 'tokens forgotten meanwhile: the new ones were revoked'
		: 'lease lost: another refresh took over';
	return { status: 'unavailable' };
}
