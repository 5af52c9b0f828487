import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type Idp } from '$idp/provider.js';
import { obtainTokens } from '$idp/testkit/flows.js';
import { ConfigError } from '../config/env';
import { basicCredentials, chooseClientAuthMethod, type ClientAuthMethod } from './client-auth';
import { providerEndpoints } from './endpoints';
import { refreshAtProvider } from './refresh';
import { revokeAtProvider } from './revoke';
import { readProviderSettings } from './settings';

const APP = 'http://127.0.0.1:5173';
const TIMEOUT_MS = 10_000;

describe('chooseClientAuthMethod', () => {
	it('takes the form body wherever discovery lists it (Google, Okta, Entra ID, Keycloak)', () => {
		expect(chooseClientAuthMethod(undefined, ['client_secret_post', 'client_secret_basic'])).toBe(
			'client_secret_post'
		);
		expect(
			chooseClientAuthMethod(undefined, [
				'private_key_jwt',
				'client_secret_basic',
				'client_secret_post'
			])
		).toBe('client_secret_post');
	});

	it('takes HTTP Basic where it is the only one listed, or where nothing is (the default)', () => {
		expect(chooseClientAuthMethod(undefined, ['client_secret_basic', 'private_key_jwt'])).toBe(
			'client_secret_basic'
		);
		expect(chooseClientAuthMethod(undefined, undefined)).toBe('client_secret_basic');
	});

	it('takes the override whatever discovery says, and nothing when neither is accepted', () => {
		expect(chooseClientAuthMethod('client_secret_basic', ['client_secret_post'])).toBe(
			'client_secret_basic'
		);
		expect(chooseClientAuthMethod(undefined, ['private_key_jwt'])).toBeNull();
	});
});

describe('AUTH_<ID>_CLIENT_AUTH', () => {
	const oidc = { AUTH_OIDC_ISSUER: 'https://idp.example.test', AUTH_OIDC_ID: 'id' };

	it('is read per provider, and unset means "follow the provider"', () => {
		const [github, google, issuer] = readProviderSettings({
			...oidc,
			AUTH_OIDC_SECRET: 'secret',
			AUTH_OIDC_CLIENT_AUTH: 'client_secret_basic',
			AUTH_GITHUB_ID: 'id',
			AUTH_GITHUB_SECRET: 'secret',
			AUTH_GITHUB_CLIENT_AUTH: ' client_secret_post ',
			AUTH_GOOGLE_ID: 'id',
			AUTH_GOOGLE_SECRET: 'secret'
		});
		expect([github?.clientAuth, google?.clientAuth, issuer?.clientAuth]).toEqual([
			'client_secret_post',
			undefined,
			'client_secret_basic'
		]);
	});

	it('refuses any other value, naming the variable', () => {
		const env = { ...oidc, AUTH_OIDC_SECRET: 'secret', AUTH_OIDC_CLIENT_AUTH: 'private_key_jwt' };
		expect(() => readProviderSettings(env)).toThrow(
			new ConfigError('AUTH_OIDC_CLIENT_AUTH must be client_secret_post or client_secret_basic')
		);
	});
});

describe('basicCredentials', () => {
	it("encodes as Auth.js's callback does: only what a form decoder would misread is escaped", () => {
		const header = basicCredentials('latchkey', 'a-b_c.d~e!f +/=%');
		const decoded = atob(header.replace(/^Basic /, ''));
		expect(decoded).toBe('latchkey:a-b_c.d~e!f+%2B%2F%3D%25');
		expect(header).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
	});
});

// Each character real secrets hold (Okta's `-` and `_`, Entra ID's `~` and `.`, Base64's `+ / =`),
// and two that mean something to a form decoder (`%`, the space).
const SECRETS = [...'-_.~+/=%', ' '].map((char) => ({
	char,
	secret: `latchkey${char}secret${char}0123`
}));

/**
 * Over HTTP Basic, a provider that compares the credentials without form-decoding them accepts
 * a secret only when form-encoding leaves it unchanged; the form body works for every secret.
 */
function expectAccepted(secret: string, strict: boolean, method: ClientAuthMethod) {
	return !strict || method === 'client_secret_post' || encodeURIComponent(secret) === secret;
}

describe.each(SECRETS)('a client secret holding $char', ({ secret }) => {
	let idp: Idp;
	beforeAll(async () => {
		idp = await startIdp({
			appOrigins: [APP],
			googlePort: 0,
			githubPort: 0,
			clientSecrets: { oidc: secret }
		});
	});
	afterAll(() => idp?.close());

	const cases = [false, true].flatMap((strict) =>
		[undefined, 'client_secret_basic' as const].map((override) => ({ strict, override }))
	);
	it.each(cases)(
		'strict provider: $strict, AUTH_OIDC_CLIENT_AUTH: $override',
		async ({ strict, override }) => {
			idp.faults.set({ oidc: { strictBasicAuth: strict } });
			const [settings] = readProviderSettings({
				AUTH_OIDC_ISSUER: idp.oidc.issuer,
				AUTH_OIDC_ID: idp.oidc.clientId,
				AUTH_OIDC_SECRET: secret,
				AUTH_OIDC_CLIENT_AUTH: override
			});
			const method = (await providerEndpoints(settings!)).clientAuthMethod;
			// The local IdP lists both (oidc-provider's default): the body is chosen.
			expect(method).toBe(override ?? 'client_secret_post');

			const tokens = await obtainTokens(idp, 'oidc', `client-auth-${strict}-${override}`, APP);
			const refreshed = await refreshAtProvider(settings!, tokens.refresh_token, TIMEOUT_MS);
			const accessToken = tokens.access_token;
			if (!expectAccepted(secret, strict, method)) {
				expect(refreshed).toEqual({ ok: false, fate: 'refused', reason: 'invalid_client' });
				const revoked = await revokeAtProvider(
					settings!,
					{ accessToken, refreshToken: tokens.refresh_token },
					TIMEOUT_MS
				);
				expect(revoked).toBe(false);
				return;
			}
			if (!refreshed.ok) throw new Error(`the refresh failed: ${refreshed.reason}`);
			const rotated = refreshed.tokens.refreshToken!;
			expect(rotated).toEqual(expect.any(String));
			expect(rotated).not.toBe(tokens.refresh_token);
			const revoked = await revokeAtProvider(
				settings!,
				{ accessToken, refreshToken: rotated },
				TIMEOUT_MS
			);
			expect(revoked).toBe(true);
			// Revoked for real: the rotated refresh token no longer works.
			expect(await refreshAtProvider(settings!, rotated, TIMEOUT_MS)).toEqual({
				ok: false,
				fate: 'refused',
				reason: 'invalid_grant'
			});
		}
	);
});
