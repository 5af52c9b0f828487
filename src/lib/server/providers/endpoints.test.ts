import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, type Idp } from '$idp/provider.js';
import { providerEndpoints } from './endpoints';
import { toAuthProvider } from '../authjs/providers';
import type { ProviderSettings } from './settings';

const credentials = { clientId: 'client-id', clientSecret: 'client-secret' };

function github(endpoint?: string): ProviderSettings {
	return { id: 'github', name: 'GitHub', endpoint, ...credentials };
}

describe('providerEndpoints for GitHub (no discovery)', () => {
	for (const [where, baseUrl, web, api] of [
		['github.com', undefined, 'https://github.com', 'https://api.github.com'],
		[
			'a GitHub Enterprise Server',
			'https://ghe.example.test',
			'https://ghe.example.test',
			'https://ghe.example.test/api/v3'
		]
	] as const) {
		it(`uses the token and user URLs of ${where}, the same as Auth.js's GitHub provider`, async () => {
			const endpoints = await providerEndpoints(github(baseUrl));

			expect(endpoints.as).toEqual({
				issuer: `${web}/login/oauth`,
				token_endpoint: `${web}/login/oauth/access_token`
			});
			expect(endpoints.userUrl).toBe(`${api}/user`);
			expect(endpoints.client).toEqual({ client_id: 'client-id' });
			expect(toAuthProvider(github(baseUrl))).toMatchObject({
				issuer: endpoints.as.issuer,
				token: endpoints.as.token_endpoint,
				userinfo: { url: endpoints.userUrl }
			});
		});
	}
});

describe('providerEndpoints for an OIDC issuer (Google, any issuer)', () => {
	let idp: Idp;
	beforeAll(async () => {
		idp = await startIdp({ appOrigins: ['http://127.0.0.1:5173'], googlePort: 0, githubPort: 0 });
	});
	afterAll(() => idp?.close());

	const google = (endpoint: string): ProviderSettings => ({
		id: 'google',
		name: 'Google',
		endpoint,
		...credentials
	});

	it('discovers the token, userinfo and revocation endpoints, once per process', async () => {
		const settings = google(idp.google.issuer);
		const endpoints = await providerEndpoints(settings);

		expect(endpoints.as.issuer).toBe(idp.google.issuer);
		expect(endpoints.as.token_endpoint).toMatch(new RegExp(`^${idp.google.issuer}/`));
		expect(endpoints.as.revocation_endpoint).toMatch(new RegExp(`^${idp.google.issuer}/`));
		expect(endpoints.userUrl).toBe(endpoints.as.userinfo_endpoint);
		expect(providerEndpoints(settings)).toBe(providerEndpoints(settings));
	});

	it('discovers the generic OIDC issuer under its path, revocation endpoint included', async () => {
		const settings: ProviderSettings = {
			id: 'oidc',
			name: 'Single sign-on',
			endpoint: idp.oidc.issuer,
			...credentials
		};
		const endpoints = await providerEndpoints(settings);

		expect(new URL(idp.oidc.issuer).pathname).not.toBe('/');
		expect(endpoints.as.issuer).toBe(idp.oidc.issuer);
		expect(endpoints.as.revocation_endpoint).toMatch(new RegExp(`^${idp.oidc.issuer}/`));
		expect(endpoints.userUrl).toBe(endpoints.as.userinfo_endpoint);
	});

	it('retries a discovery that failed instead of remembering the failure', async () => {
		const unreachable = google('http://127.0.0.1:9');
		const first = providerEndpoints(unreachable);
		await expect(first).rejects.toThrow();

		const second = providerEndpoints(unreachable);
		expect(second).not.toBe(first);
		await expect(second).rejects.toThrow();
	});
});
