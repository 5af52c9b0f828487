import { Counter } from 'prom-client';
import { registry } from './registry';

const limited = new Counter({
	name: 'latchkey_rate_limited_total',
	help: 'Requests refused by a rate limit, by limit: sign-in (per IP), refresh-tokens and revoke-sessions (per user).',
	labelNames: ['limit'] as const,
	registers: [registry]
});

/** Shows the limit `name` from the start, at 0. */
export function declareRateLimit(name: string): void {
	limited.inc({ limit: name }, 0);
}

/** Counts one request that the limit `name` refused. */
export function countRateLimited(name: string): void {
	limited.inc({ limit: name });
}
