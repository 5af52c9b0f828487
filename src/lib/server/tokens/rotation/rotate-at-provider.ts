import type { RequestClient } from '../../http/request-client';
import { measureProviderCall } from '../../metrics/refreshes';
import { refreshAtProvider } from '../../providers/refresh';
import type { ProviderSettings } from '../../providers/settings';
import { sealIssuedTokens } from '../accounts';
import { lifeOf } from '../life';
import { settleRefresh } from './lease';
import type { HeldLease, RefreshContext, RefreshOutcome, RefreshReport } from './types';

/**
 * With the lease held: sends the refresh token to the provider and stores the answer, with its
 * audit event, in the transaction that releases the lease, and only while the lease is still
 * ours. A definitive refusal forgets the refresh token, so that no instance ever sends it again;
 * a failure worth retrying only releases the lease.
 */
export async function rotateAtProvider(
	{ key, claimId, row }: HeldLease,
	sealedRefreshToken: string,
	settings: ProviderSettings,
	client: RequestClient | null,
	{ cipher, timeoutMs, now }: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	const refreshToken = await cipher.decrypt(sealedRefreshToken);
	const result = await measureProviderCall(key.provider, () =>
		refreshAtProvider(settings, refreshToken, timeoutMs, now)
	);
	const event = { userId: row.userId, client, at: new Date(now()) };
	if (result.ok) {
		const update = await sealIssuedTokens(result.tokens, row, cipher, event.at);
		const stored = await settleRefresh(key, claimId, update, {
			...event,
			event: 'token_refreshed'
		});
		if (stored) return { status: 'rotated', ...lifeOf(update) };
		report.detail = 'lease lost: another refresh took over';
		return { status: 'unavailable' };
	}
	report.detail = result.reason;
	if (!result.definitive) {
		await settleRefresh(key, claimId);
		return { status: 'unavailable' };
	}
	await settleRefresh(key, claimId, { refresh_token: null }, { ...event, event: 'refresh_failed' });
	return { status: 'rejected' };
}
