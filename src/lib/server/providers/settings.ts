import type { Provider } from '@auth/sveltekit/providers';
import GitHub from '@auth/sveltekit/providers/github';
import Google from '@auth/sveltekit/providers/google';
import { PROVIDER_NAMES, type ProviderId } from '$lib/auth/types';
import { ConfigError, type Env } from '../config/env';

/** A provider configured from env, in the order the sign-in page offers them. */
export interface ProviderSettings {
	id: ProviderId;
	name: string;
	clientId: string;
	clientSecret: string;
	/** GitHub Enterprise base URL, or an OIDC issuer for Google. */
	endpoint: string | undefined;
}

const KNOWN = [
	{ id: 'github', endpointVar: 'AUTH_GITHUB_ENTERPRISE_URL' },
	{ id: 'google', endpointVar: 'AUTH_GOOGLE_ISSUER' }
] as const;

/**
 * Reads the configured providers. A provider is configured when both its `AUTH_<ID>_ID` and
 * `AUTH_<ID>_SECRET` are set; setting only one of them, or none at all, is a `ConfigError`.
 */
export function readProviderSettings(env: Env): ProviderSettings[] {
	const configured = KNOWN.flatMap(({ id, endpointVar }) => {
		const prefix = `AUTH_${id.toUpperCase()}`;
		const clientId = env[`${prefix}_ID`];
		const clientSecret = env[`${prefix}_SECRET`];
		if (!clientId && !clientSecret) return [];
		if (!clientId) throw new ConfigError(`${prefix}_ID is not set (${prefix}_SECRET is)`);
		if (!clientSecret) throw new ConfigError(`${prefix}_SECRET is not set (${prefix}_ID is)`);
		const endpoint = env[endpointVar] || undefined;
		if (endpoint !== undefined && !URL.canParse(endpoint)) {
			throw new ConfigError(`${endpointVar} is not a valid URL`);
		}
		return [
			{
				id,
				name: PROVIDER_NAMES[id],
				clientId,
				clientSecret,
				endpoint: endpoint?.replace(/\/+$/, '')
			}
		];
	});
	if (configured.length === 0) {
		throw new ConfigError(
			'no sign-in provider is configured: set AUTH_GITHUB_ID and AUTH_GITHUB_SECRET, or AUTH_GOOGLE_ID and AUTH_GOOGLE_SECRET'
		);
	}
	return configured;
}

/** The Auth.js provider for one configured provider. */
export function toAuthProvider(settings: ProviderSettings): Provider {
	const { clientId, clientSecret, endpoint } = settings;
	if (settings.id === 'github') {
		return GitHub({
			clientId,
			clientSecret,
			...(endpoint !== undefined && { enterprise: { baseUrl: endpoint } })
		});
	}
	return Google({
		clientId,
		clientSecret,
		...(endpoint !== undefined && { issuer: endpoint }),
		// Offline access with consent is what makes Google issue a refresh token.
		authorization: { params: { access_type: 'offline', prompt: 'consent' } }
	});
}
