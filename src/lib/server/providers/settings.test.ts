import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env';
import { readProviderSettings, toAuthProvider } from './settings';

const github = { AUTH_GITHUB_ID: 'gh-id', AUTH_GITHUB_SECRET: 'gh-secret' };
const google = { AUTH_GOOGLE_ID: 'g-id', AUTH_GOOGLE_SECRET: 'g-secret' };

describe('readProviderSettings', () => {
	it('offers only the providers whose id and secret are both set', () => {
		expect(readProviderSettings(github).map((p) => p.id)).toEqual(['github']);
		expect(readProviderSettings(google).map((p) => p.id)).toEqual(['google']);
		expect(readProviderSettings({ ...google, ...github }).map((p) => p.name)).toEqual([
			'GitHub',
			'Google'
		]);
	});

	it('names the missing variable of a half-configured provider', () => {
		expect(() => readProviderSettings({ AUTH_GOOGLE_ID: 'x', ...github })).toThrow(
			new ConfigError('AUTH_GOOGLE_SECRET is not set (AUTH_GOOGLE_ID is)')
		);
		expect(() => readProviderSettings({ AUTH_GITHUB_SECRET: 'x' })).toThrow(
			'AUTH_GITHUB_ID is not set (AUTH_GITHUB_SECRET is)'
		);
	});

	it('refuses to start with no provider', () => {
		expect(() => readProviderSettings({})).toThrow(/no sign-in provider is configured/);
	});

	it('validates the endpoint overrides', () => {
		expect(() => readProviderSettings({ ...google, AUTH_GOOGLE_ISSUER: 'not a url' })).toThrow(
			'AUTH_GOOGLE_ISSUER is not a valid URL'
		);
	});
});

describe('toAuthProvider', () => {
	it('points GitHub at an Enterprise server when AUTH_GITHUB_ENTERPRISE_URL is set', () => {
		const [settings] = readProviderSettings({
			...github,
			AUTH_GITHUB_ENTERPRISE_URL: 'http://127.0.0.1:5175/'
		});
		const provider = toAuthProvider(settings!) as unknown as Record<string, unknown>;
		expect(provider).toMatchObject({
			id: 'github',
			issuer: 'http://127.0.0.1:5175/login/oauth',
			token: 'http://127.0.0.1:5175/login/oauth/access_token',
			authorization: { url: 'http://127.0.0.1:5175/login/oauth/authorize' },
			userinfo: { url: 'http://127.0.0.1:5175/api/v3/user' },
			options: { clientId: 'gh-id', clientSecret: 'gh-secret' }
		});
	});

	it('uses github.com without an override', () => {
		const provider = toAuthProvider(readProviderSettings(github)[0]!) as unknown as {
			issuer: string;
		};
		expect(provider.issuer).toBe('https://github.com/login/oauth');
	});

	it('asks Google for offline access at the configured issuer', () => {
		const [settings] = readProviderSettings({
			...google,
			AUTH_GOOGLE_ISSUER: 'http://127.0.0.1:5174'
		});
		expect(toAuthProvider(settings!)).toMatchObject({
			id: 'google',
			type: 'oidc',
			options: {
				issuer: 'http://127.0.0.1:5174',
				clientId: 'g-id',
				authorization: { params: { access_type: 'offline', prompt: 'consent' } }
			}
		});
	});
});
