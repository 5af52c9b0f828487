import type { ProviderId } from '$lib/auth/types';
import { ConfigError, type Env } from '../config/env';
import { readClientAuthOverride, type ClientAuthMethod } from './client-auth';

/** A provider configured from env, in the order the sign-in page offers them. */
export interface ProviderSettings {
	id: ProviderId;
	/** What pages call it: "GitHub", "Google", or `AUTH_OIDC_NAME` for the OIDC issuer. */
	name: string;
	clientId: string;
	clientSecret: string;
	/** GitHub Enterprise base URL, or an OIDC issuer (Google's, or the generic provider's). */
	endpoint: string | undefined;
	/**
	 * `AUTH_<ID>_CLIENT_AUTH`: how to send the client secret, instead of what discovery suggests
	 * (see `chooseClientAuthMethod`).
	 */
	clientAuth?: ClientAuthMethod;
	/** The OIDC issuer's `scope` and `prompt` at sign-in (`AUTH_OIDC_SCOPE`, `AUTH_OIDC_PROMPT`). */
	authorization?: { scope: string; prompt: string };
}

/** The names pages use for a provider that env names no other way (see `providerName`). */
const DEFAULT_NAMES: Record<ProviderId, string> = {
	github: 'GitHub',
	google: 'Google',
	oidc: 'Single sign-on'
};

const KNOWN = [
	{ id: 'github', endpointVar: 'AUTH_GITHUB_ENTERPRISE_URL' },
	{ id: 'google', endpointVar: 'AUTH_GOOGLE_ISSUER' },
	{ id: 'oidc', endpointVar: 'AUTH_OIDC_ISSUER' }
] as const;

/** The variable that points `provider` at another server than the public one (for the OIDC issuer, at any). */
export function endpointVariable(provider: ProviderId): string {
	return KNOWN.find(({ id }) => id === provider)!.endpointVar;
}

/** What the OIDC issuer is asked for: the user, and a refresh token (offline access). */
const OIDC_DEFAULT_SCOPE = 'openid email profile offline_access';
/** OIDC Core §11: an issuer may ignore `offline_access` unless the user is asked to consent. */
const OIDC_DEFAULT_PROMPT = 'consent';
const OIDC_PROMPTS = new Set(['consent', 'login', 'select_account']);

/**
 * Reads the configured providers. A provider is configured when both its `AUTH_<ID>_ID` and
 * `AUTH_<ID>_SECRET` are set (the OIDC issuer also needs `AUTH_OIDC_ISSUER`); setting only some
 * of them, or no provider at all, is a `ConfigError`.
 */
export function readProviderSettings(env: Env): ProviderSettings[] {
	const configured = KNOWN.flatMap(({ id, endpointVar }) => {
		const prefix = `AUTH_${id.toUpperCase()}`;
		const required = [`${prefix}_ID`, `${prefix}_SECRET`];
		if (id === 'oidc') required.push(endpointVar);
		const set = required.filter((name) => env[name]);
		if (set.length === 0) return [];
		const unset = required.find((name) => !env[name]);
		if (unset !== undefined) throw new ConfigError(`${unset} is not set (${set[0]} is)`);
		const endpoint = env[endpointVar] || undefined;
		if (endpoint !== undefined && !URL.canParse(endpoint)) {
			throw new ConfigError(`${endpointVar} is not a valid URL`);
		}
		const settings: ProviderSettings = {
			id,
			name: DEFAULT_NAMES[id],
			clientId: env[`${prefix}_ID`]!,
			clientSecret: env[`${prefix}_SECRET`]!,
			endpoint: endpoint?.replace(/\/+$/, ''),
			clientAuth: readClientAuthOverride(env, `${prefix}_CLIENT_AUTH`)
		};
		return [id === 'oidc' ? { ...settings, ...readOidcOptions(env) } : settings];
	});
	if (configured.length === 0) {
		throw new ConfigError(
			'no sign-in provider is configured: set AUTH_GITHUB_ID and AUTH_GITHUB_SECRET, AUTH_GOOGLE_ID and AUTH_GOOGLE_SECRET, or AUTH_OIDC_ISSUER, AUTH_OIDC_ID and AUTH_OIDC_SECRET'
		);
	}
	return configured;
}

/**
 * The OIDC issuer's button label (`AUTH_OIDC_NAME`), and the scope and prompt of its sign-in
 * (`AUTH_OIDC_SCOPE`, `AUTH_OIDC_PROMPT`) for issuers that differ from the spec's defaults.
 */
function readOidcOptions(env: Env): Pick<ProviderSettings, 'name' | 'authorization'> {
	const scope = env.AUTH_OIDC_SCOPE?.trim().replace(/\s+/g, ' ') || OIDC_DEFAULT_SCOPE;
	if (!scope.split(' ').includes('openid')) {
		throw new ConfigError('AUTH_OIDC_SCOPE must include openid');
	}
	const prompt = env.AUTH_OIDC_PROMPT?.trim() || OIDC_DEFAULT_PROMPT;
	if (!prompt.split(/\s+/).every((value) => OIDC_PROMPTS.has(value))) {
		throw new ConfigError('AUTH_OIDC_PROMPT must be consent, login or select_account');
	}
	return {
		name: env.AUTH_OIDC_NAME?.trim() || DEFAULT_NAMES.oidc,
		authorization: { scope, prompt }
	};
}

/** What pages call `provider`: its configured name, or its default one if it is no longer offered. */
export function providerName(providers: ProviderSettings[], provider: ProviderId): string {
	return providers.find(({ id }) => id === provider)?.name ?? DEFAULT_NAMES[provider];
}
