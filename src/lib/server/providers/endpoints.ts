import * as o from 'oauth4webapi';
import { chooseClientAuthMethod, toClientAuth, type ClientAuthMethod } from './client-auth';
import type { ProviderSettings } from './settings';

/** Where a provider's token and user endpoints are, from OIDC discovery or GitHub's URL layout. */
export interface ProviderEndpoints {
	as: o.AuthorizationServer;
	client: o.Client;
	/** How every call to the token and revocation endpoints sends the secret, sign-in's too. */
	clientAuthMethod: ClientAuthMethod;
	clientAuth: o.ClientAuth;
	/** The user endpoint the connections page calls: GitHub's `/user` or OIDC userinfo. */
	userUrl: string;
}

// The issuer Auth.js's Google provider uses unless AUTH_GOOGLE_ISSUER names another.
const GOOGLE_ISSUER = 'https://accounts.google.com';

const discovered = new Map<string, Promise<ProviderEndpoints>>();

/**
 * The endpoints of a configured provider. OIDC providers (Google, any issuer) are discovered
 * once per process; GitHub, which has no discovery, gets the URLs of github.com or of its
 * Enterprise server (`githubUrls`).
 */
export function providerEndpoints(
	settings: ProviderSettings,
	signal?: AbortSignal
): Promise<ProviderEndpoints> {
	const key = `${settings.id}:${settings.endpoint ?? ''}:${settings.clientAuth ?? ''}`;
	let endpoints = discovered.get(key);
	if (endpoints === undefined) {
		endpoints = resolveEndpoints(settings, signal);
		// A failed discovery is retried by the next caller rather than cached.
		endpoints.catch(() => discovered.delete(key));
		discovered.set(key, endpoints);
	}
	return endpoints;
}

/**
 * GitHub's OAuth and REST API URLs: github.com's, or those of the GitHub Enterprise Server at
 * `baseUrl` (OAuth under `/login/oauth`, the API under `/api/v3`), as Auth.js's GitHub provider
 * lays them out.
 */
export function githubUrls(baseUrl: string | undefined) {
	const web = baseUrl ?? 'https://github.com';
	return {
		issuer: `${web}/login/oauth`,
		tokenUrl: `${web}/login/oauth/access_token`,
		apiUrl: baseUrl === undefined ? 'https://api.github.com' : `${baseUrl}/api/v3`
	};
}

async function resolveEndpoints(
	settings: ProviderSettings,
	signal?: AbortSignal
): Promise<ProviderEndpoints> {
	const client = { client_id: settings.clientId };
	if (settings.id === 'github') {
		const { issuer, tokenUrl, apiUrl } = githubUrls(settings.endpoint);
		const as = { issuer, token_endpoint: tokenUrl };
		// Note: GitHub has no discovery; its docs send client_id and client_secret in the body.
		const clientAuthMethod = settings.clientAuth ?? 'client_secret_post';
		return { as, client, ...withClientAuth(settings, clientAuthMethod), userUrl: `${apiUrl}/user` };
	}
	const issuer = new URL(settings.endpoint ?? GOOGLE_ISSUER);
	const response = await o.discoveryRequest(issuer, { signal, ...insecureIfHttp(issuer) });
	const as = await o.processDiscoveryResponse(issuer, response);
	if (as.token_endpoint === undefined || as.userinfo_endpoint === undefined) {
		throw new Error(`${issuer} does not advertise token and userinfo endpoints`);
	}
	const methods = as.token_endpoint_auth_methods_supported;
	const clientAuthMethod = chooseClientAuthMethod(settings.clientAuth, methods);
	if (clientAuthMethod === null) {
		throw new Error(
			`${issuer} accepts neither client_secret_post nor client_secret_basic (${methods?.join(', ')}): set AUTH_${settings.id.toUpperCase()}_CLIENT_AUTH`
		);
	}
	return {
		as,
		client,
		...withClientAuth(settings, clientAuthMethod),
		userUrl: as.userinfo_endpoint
	};
}

function withClientAuth(settings: ProviderSettings, clientAuthMethod: ClientAuthMethod) {
	return { clientAuthMethod, clientAuth: toClientAuth(clientAuthMethod, settings.clientSecret) };
}

/** Note: like Auth.js, allow plain http for local and test issuers (e.g. http://127.0.0.1). */
export function insecureIfHttp(url: URL | string) {
	return { [o.allowInsecureRequests]: new URL(url).protocol === 'http:' };
}
