import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env';
import { checkScrapeAccess, configureScrapeAccess, refuseScrape } from './scrape-access';

const TOKEN = 'scrape-0123456789abcdef';

describe('access to /metrics', () => {
	it('is off without METRICS_TOKEN, or with an empty one, whatever the request sends', () => {
		for (const env of [{}, { METRICS_TOKEN: '' }]) {
			configureScrapeAccess(env);
			expect(checkScrapeAccess(null)).toBe('off');
			expect(checkScrapeAccess(`Bearer ${TOKEN}`)).toBe('off');
		}
	});

	it('lets in exactly the bearer of METRICS_TOKEN', () => {
		configureScrapeAccess({ METRICS_TOKEN: TOKEN });
		expect(checkScrapeAccess(`Bearer ${TOKEN}`)).toBe('allowed');
		expect(checkScrapeAccess(`bearer  ${TOKEN} `)).toBe('allowed');
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
			expect(checkScrapeAccess(header), String(header)).toBe('denied');
		}
	});

	it('refuses to start with a token shorter than 16 characters, naming the variable, not its value', () => {
		expect(() => configureScrapeAccess({ METRICS_TOKEN: 'hunter2-hunter2' })).toThrow(ConfigError);
		expect(() => configureScrapeAccess({ METRICS_TOKEN: 'hunter2-hunter2' })).toThrow(
			/^METRICS_TOKEN must be at least 16 characters/
		);
		expect(() => configureScrapeAccess({ METRICS_TOKEN: 'hunter2-hunter2' })).not.toThrow(
			/hunter2/
		);
		expect(() => configureScrapeAccess({ METRICS_TOKEN: 'hunter2-hunter2-' })).not.toThrow();
	});

	it('refuses a token that no Authorization header could carry', () => {
		expect(() => configureScrapeAccess({ METRICS_TOKEN: 'has spaces in the middle' })).toThrow(
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
