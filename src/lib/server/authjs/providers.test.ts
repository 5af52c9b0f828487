import { describe, expect, it } from 'vitest';
import { readProviderSettings } from '../providers/settings';
import { toAuthProvider, toVerifiedUser } from './providers';
import { PROVIDER_ENV } from '../testing/factories';

const { github, google, oidc } = PROVIDER_ENV;

describe('the user an OpenID Connect profile makes', () => {
	const profile = { sub: 'u-1', name: 'Ada', email: 'ada@example.test', picture: 'https://p' };

	it('keeps the email the issuer verified (a boolean, or the string some issuers send)', () => {
		expect(toVerifiedUser({ ...profile, email_verified: true })).toEqual({
			id: 'u-1',
			name: 'Ada',
			email: 'ada@example.test',
			image: 'https://p'
		});
		const asString = { ...profile, email_verified: 'true' as unknown as boolean };
		expect(toVerifiedUser(asString).email).toBe('ada@example.test');
	});

	it('drops an email the issuer did not verify, or says nothing about', () => {
		expect(toVerifiedUser({ ...profile, email_verified: false })).toMatchObject({
			id: 'u-1',
			name: 'Ada',
			email: null
		});
		expect(toVerifiedUser(profile).email).toBeNull();
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

	it('asks the OIDC issuer for offline access, with PKCE, state and nonce, and reads userinfo', () => {
		const [settings] = readProviderSettings({ ...oidc, AUTH_OIDC_NAME: 'Keycloak' });
		expect(toAuthProvider(settings!)).toMatchObject({
			id: 'oidc',
			name: 'Keycloak',
			type: 'oidc',
			issuer: 'https://keycloak.example.com/realms/acme',
			clientId: 'kc-id',
			clientSecret: 'kc-secret',
			checks: ['pkce', 'state', 'nonce'],
			idToken: false,
			authorization: {
				params: { scope: 'openid email profile offline_access', prompt: 'consent' }
			}
		});
	});
});
