import { describe, expect, it } from 'vitest';
import { readConfig } from '../app/read-config';
import { ConfigError, type Env } from '../config/env';
import { checkScrapeAccess, refuseScrape } from './scrape-access';

const TOKEN = 'scrape-0123456789abcdef';

/**
 * The METRICS_TOKEN the app reads from `env`, beside what any start needs: a valid secret, a
 * trusted host and a sign-in provider.
 */
const metricsTokenOf = (env: Env) =>
	readConfig({
		AUTH_SECRET: 'scrape-access-test-secret-0123456789abcdefghij',
		AUTH_TRUST_HOST: 'true',
		AUTH_GITHUB_ID: 'id',
		AUTH_GITHUB_SECRET: 'secret',
		...env
	}).metricsToken;

describe('access to /metrics', () => {
	it('is off without METRICS_TOKEN, or with an empty one, whatever the request sends', () => {
		for (const env of [{}, { METRICS_TOKEN: '' }]) {
			const metricsToken = metricsTokenOf(env);
			expect(checkScrapeAccess(metricsToken, null)).toBe('off');
			expect(checkScrapeAccess(metricsToken, `Bearer ${TOKEN}`)).toBe('off');
		}
	});

	it('lets in exactly the bearer of METRICS_TOKEN', () => {
		const metricsToken = metricsTokenOf({ METRICS_TOKEN: TOKEN });
		expect(checkScrapeAccess(metricsToken, `Bearer ${TOKEN}`)).toBe('allowed');
		expect(checkScrapeAccess(metricsToken, `bearer  ${TOKEN} `)).toBe('allowed');
		for (const header of [
			null,
			'',
			'Bearer',
			`Bearer ${TOKEN}x`,
			`Bearer ${TOKEN.slice(0, -1)}`,
			`Bearer ${TOKEN} ${TOKEN}`,
			`Basic ${btoa(`metrics:${TOKEN}`)}`,
			TOKEN
		]) {
			expect(checkScrapeAccess(metricsToken, header), String(header)).toBe('denied');
		}
	});

	it('refuses to start with a token shorter than 16 characters, naming the variable, not its value', () => {
		expect(() => metricsTokenOf({ METRICS_TOKEN: 'hunter2-hunter2' })).toThrow(ConfigError);
		expect(() => metricsTokenOf({ METRICS_TOKEN: 'hunter2-hunter2' })).toThrow(
			/^METRICS_TOKEN must be at least 16 characters/
		);
		expect(() => metricsTokenOf({ METRICS_TOKEN: 'hunter2-hunter2' })).not.toThrow(/hunter2/);
		expect(() => metricsTokenOf({ METRICS_TOKEN: 'hunter2-hunter2-' })).not.toThrow();
	});

	it('refuses a token that no Authorization header could carry', () => {
		expect(() => metricsTokenOf({ METRICS_TOKEN: 'has spaces in the middle' })).toThrow(
			ConfigError
		);
	});

	it('answers a refused scrape with 401 and the scheme to use', () => {
		const response = refuseScrape();
		expect(response.status).toBe(401);
		expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
		expect(response.headers.get('cache-control')).toBe('no-store');
	});
});
