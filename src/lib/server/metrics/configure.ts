import type { Env } from '../config/env';
import { declareRefreshes } from './refreshes';
import { configureScrapeAccess } from './scrape-access';
import { declareSignIns } from './sign-ins';

/**
 * Sets up /metrics from env, once per process (at start-up): METRICS_TOKEN (a ConfigError when
 * it is too short), and the per-provider series, shown at 0 until something happens.
 */
export function configureMetrics(env: Env, providerIds: string[]): void {
	configureScrapeAccess(env);
	for (const provider of providerIds) {
		declareRefreshes(provider);
		declareSignIns(provider);
	}
}
