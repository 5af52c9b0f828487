import * as o from 'oauth4webapi';
import type { ProviderSettings } from './settings';
import { toAuthProvider } from './settings';

/** Where a provider's token and user endpoints are, from its Auth.js config or OIDC discovery. */
export interface ProviderEndpoints {
	as: o.AuthorizationServer;
	client: o.Client;
	clientAuth: o.ClientAuth;
	/** The user endpoint the connections page calls: GitHub's `/user` or OIDC userinfo. */
	userUrl: string;
}

const discovered = new Map<string, Promise<ProviderEndpoints>>();

/**
 * The endpoints of a configured provider. OIDC providers (Google, any issuer) are discovered
 * once per process; OAuth-only ones (GitHub) carry their URLs in the Auth.js provider config.
 */
export function providerEndpoints(
	settings: ProviderSettings,
	signal?: AbortSignal
): Promise<ProviderEndpoints> {
	const key = `${settings.id}:${settings.endpoint ?? ''}`;
	let endpoints = discovered.get(key);
	if (endpoints === undefined) {
		endpoints = resolveEndpoints(settings, signal);
		// A failed discovery is retried by the next caller rather than cached.
		endpoints.catch(() => discovered.delete(key));
		discovered.set(key, endpoints);
	}
	return endpoints;
}

async function resolveEndpoints(
	settings: ProviderSettings,
	signal?: AbortSignal
): Promise<ProviderEndpoints> {
	const provider = toAuthProvider(settings) as unknown as AuthProviderShape;
	const client = { client_id: settings.clientId };
	const clientAuth = o.ClientSecretBasic(settings.clientSecret);
	const issuer = new URL(provider.options?.issuer ?? provider.issuer);
	if (provider.type === 'oidc') {
		const response = await o.discoveryRequest(issuer, { signal, ...insecureIfHttp(issuer) });
		const as = await o.processDiscoveryResponse(issuer, response);
		if (as.token_endpoint === undefined || as.userinfo_endpoint === undefined) {
			throw new Error(`${issuer} does not advertise token and userinfo endpoints`);
		}
		return { as, client, clientAuth, userUrl: as.userinfo_endpoint };
	}
	const as = { issuer: issuer.href, token_endpoint: urlOf(provider.token) };
	return { as, client, clientAuth, userUrl: urlOf(provider.userinfo) };
}

/** Note: like Auth.js, allow plain http for local and test issuers (e.g. http://127.0.0.1). */
export function insecureIfHttp(url: URL | string) {
	return { [o.allowInsecureRequests]: new URL(url).protocol === 'http:' };
}

// The parts of an Auth.js provider config read here; `token`/`userinfo` are a URL or `{ url }`.
interface AuthProviderShape {
	type: 'oauth' | 'oidc';
	issuer: string;
	token: string | { url: string };
	userinfo: string | { url: string };
	options?: { issuer?: string };
}

function urlOf(endpoint: string | { url: string }): string {
	return typeof endpoint === 'string' ? endpoint : endpoint.url;
}
