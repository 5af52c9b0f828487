import { Counter, Histogram } from 'prom-client';
import { registry } from './registry';

// Note: label values are provider ids and outcome names only, never an account, user or token.

// Every way a refresh ends (`RefreshOutcome` in tokens/rotation/refresh.ts names them too: a new
// one fails to compile where it is counted until it is added here).
const OUTCOMES = [
	'rotated',
	'fresh',
	'rejected',
	'lost',
	'unlinked',
	'forgotten',
	'unavailable'
] as const;
type Outcome = (typeof OUTCOMES)[number];

/** A provider's answer as far as its metric goes (`RefreshResult` in providers/refresh.ts). */
type ProviderAnswer = { ok: true } | { ok: false; fate: 'refused' | 'unspent' | 'unknown' };

const refreshes = new Counter({
	name: 'latchkey_token_refreshes_total',
	help: 'Refreshes of stored provider tokens (one per leased refresh, however many requests shared it), by provider and outcome: rotated, fresh, rejected, lost (fate unknown, retry refused), unlinked, forgotten (sealed under a removed secret), unavailable.',
	labelNames: ['provider', 'outcome'] as const,
	registers: [registry]
});

const leaseWaits = new Counter({
	name: 'latchkey_token_refresh_lease_waits_total',
	help: "Refreshes that found another holder's lease on the account and waited for its release, by provider and how the wait ended: fresh (used the tokens it stored), unavailable (timed out or still due), unlinked.",
	labelNames: ['provider', 'outcome'] as const,
	registers: [registry]
});

const providerCalls = new Histogram({
	name: 'latchkey_provider_token_request_duration_seconds',
	help: "Time taken by a provider's token endpoint to answer a refresh_token grant (with OIDC discovery the first time), by provider and result: ok, refused (the grant is dead), failed (not sent, or a 5xx), unknown (sent, no usable answer).",
	labelNames: ['provider', 'result'] as const,
	// Note: the hard limit is 60 s, so the last finite bucket holds every call that reached it.
	buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
	registers: [registry]
});

/** Shows every refresh outcome of `provider` from the start, at 0, so that increase() counts the first one. */
export function declareRefreshes(provider: string): void {
	for (const outcome of OUTCOMES) refreshes.inc({ provider, outcome }, 0);
}

/** Counts one leased refresh of a `provider` account that ended with `outcome`. */
export function countRefresh(provider: string, outcome: Outcome): void {
	refreshes.inc({ provider, outcome });
}

/** Counts one wait for another holder's lease, by how it ended. */
export function countLeaseWait(provider: string, outcome: Outcome): void {
	leaseWaits.inc({ provider, outcome });
}

/** Makes one call to `provider`'s token endpoint, and records how long it took and how it ended. */
export async function measureProviderCall<Answer extends ProviderAnswer>(
	provider: string,
	call: () => Promise<Answer>
): Promise<Answer> {
	const started = performance.now();
	const answer = await call();
	const result = answer.ok
		? 'ok'
		: { refused: 'refused', unspent: 'failed', unknown: 'unknown' }[answer.fate];
	providerCalls.observe({ provider, result }, (performance.now() - started) / 1000);
	return answer;
}
