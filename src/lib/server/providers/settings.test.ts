import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env';
import { providerName, readProviderSettings } from './settings';
import { PROVIDER_ENV } from '../testing/factories';

const { github, google, oidc } = PROVIDER_ENV;

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

	it('offers an OIDC issuer under AUTH_OIDC_NAME, or under a default name', () => {
		const [named] = readProviderSettings({ ...oidc, AUTH_OIDC_NAME: ' Keycloak ' });
		expect(named).toEqual({
			id: 'oidc',
			name: 'Keycloak',
			clientId: 'kc-id',
			clientSecret: 'kc-secret',
			endpoint: 'https://keycloak.example.com/realms/acme',
			authorization: { scope: 'openid email profile offline_access', prompt: 'consent' }
		});
		expect(readProviderSettings(oidc)[0]!.name).toBe('Single sign-on');
		expect(readProviderSettings({ ...github, ...google, ...oidc }).map((p) => p.id)).toEqual([
			'github',
			'google',
			'oidc'
		]);
	});

	it('needs the issuer, id and secret of an OIDC provider, an openid scope and a known prompt', () => {
		const withoutIssuer = { ...oidc, AUTH_OIDC_ISSUER: undefined };
		expect(() => readProviderSettings({ ...github, ...withoutIssuer })).toThrow(
			'AUTH_OIDC_ISSUER is not set (AUTH_OIDC_ID is)'
		);
		expect(() =>
			readProviderSettings({ ...github, AUTH_OIDC_ISSUER: oidc.AUTH_OIDC_ISSUER })
		).toThrow('AUTH_OIDC_ID is not set (AUTH_OIDC_ISSUER is)');
		expect(() => readProviderSettings({ ...oidc, AUTH_OIDC_ISSUER: 'keycloak' })).toThrow(
			'AUTH_OIDC_ISSUER is not a valid URL'
		);
		expect(() => readProviderSettings({ ...oidc, AUTH_OIDC_PROMPT: 'none' })).toThrow(
			'AUTH_OIDC_PROMPT must be consent, login or select_account'
		);
		expect(() => readProviderSettings({ ...oidc, AUTH_OIDC_SCOPE: 'email profile' })).toThrow(
			'AUTH_OIDC_SCOPE must include openid'
		);
		// Entra ID wants no prompt=consent, and GitLab no offline_access (see docs/providers.md).
		const [entra] = readProviderSettings({ ...oidc, AUTH_OIDC_PROMPT: 'select_account' });
		expect(entra!.authorization).toMatchObject({ prompt: 'select_account' });
		const [gitlab] = readProviderSettings({ ...oidc, AUTH_OIDC_SCOPE: ' openid  email profile ' });
		expect(gitlab!.authorization).toMatchObject({ scope: 'openid email profile' });
		// The button label alone configures nothing.
		expect(readProviderSettings({ ...github, AUTH_OIDC_NAME: 'Okta' })).toHaveLength(1);
	});

	it('refuses to start with no provider', () => {
		expect(() => readProviderSettings({})).toThrow(/no sign-in provider is configured/);
		expect(() => readProviderSettings({})).toThrow(/AUTH_OIDC_ISSUER, AUTH_OIDC_ID and/);
	});

	it('validates the endpoint overrides', () => {
		expect(() => readProviderSettings({ ...google, AUTH_GOOGLE_ISSUER: 'not a url' })).toThrow(
			'AUTH_GOOGLE_ISSUER is not a valid URL'
		);
	});
});

describe('providerName', () => {
	it('is the configured name, or the default one of a provider no longer configured', () => {
		const providers = readProviderSettings({ ...oidc, AUTH_OIDC_NAME: 'Okta' });
		expect(providerName(providers, 'oidc')).toBe('Okta');
		expect(providerName(providers, 'github')).toBe('GitHub');
		expect(providerName(readProviderSettings(github), 'oidc')).toBe('Single sign-on');
	});
});
