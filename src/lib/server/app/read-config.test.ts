import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env';
import { readConfig } from './read-config';

const env = {
	AUTH_SECRET: 'services-test-secret-0123456789abcdefghijklmnop',
	AUTH_TRUST_HOST: 'true',
	AUTH_GITHUB_ID: 'gh-id',
	AUTH_GITHUB_SECRET: 'gh-secret'
};

describe('the session policy from env', () => {
	it('ends sessions 30 days after the sign-in, and keeps them fresh for a day, by default', () => {
		expect(readConfig(env).session).toMatchObject({
			absoluteMaxAgeSeconds: 30 * 24 * 60 * 60,
			freshAgeSeconds: 24 * 60 * 60
		});
		const set = { ...env, AUTH_SESSION_ABSOLUTE_MAX_AGE: '3600', AUTH_FRESH_AGE_SECONDS: '300' };
		expect(readConfig(set).session).toMatchObject({
			absoluteMaxAgeSeconds: 3600,
			freshAgeSeconds: 300
		});
	});

	it('refuses a zero or malformed absolute lifetime, naming the variable', () => {
		for (const value of ['0', '-1', '1.5', 'a month']) {
			expect(() => readConfig({ ...env, AUTH_SESSION_ABSOLUTE_MAX_AGE: value })).toThrow(
				ConfigError
			);
		}
		expect(() => readConfig({ ...env, AUTH_FRESH_AGE_SECONDS: 'soon' })).toThrow(
			'AUTH_FRESH_AGE_SECONDS must be a whole number'
		);
	});
});
