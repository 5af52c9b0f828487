import * as o from 'oauth4webapi';
import { ConfigError, type Env } from '../config/env';

/**
 * How the app proves its client secret to a provider's token and revocation endpoints (OpenID
 * Connect Core §9): in the form body, or as HTTP Basic credentials. One method per provider, for
 * sign-in (Auth.js), refresh and revocation alike.
 */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic';

const METHODS: readonly string[] = ['client_secret_post', 'client_secret_basic'];

/** `AUTH_<ID>_CLIENT_AUTH`, when set: the method that overrides the provider's discovery. */
export function readClientAuthOverride(env: Env, name: string): ClientAuthMethod | undefined {
	const value = env[name]?.trim();
	if (!value) return undefined;
	if (!METHODS.includes(value)) {
		throw new ConfigError(`${name} must be client_secret_post or client_secret_basic`);
	}
	return value as ClientAuthMethod;
}

/**
 * The method for a provider whose discovery advertises `supported`
 * (`token_endpoint_auth_methods_supported`): `override` when set, else `client_secret_post`
 * when advertised, else `client_secret_basic` when advertised or when the list is absent (OpenID
 * Connect Discovery's default). Null when the provider accepts neither.
 *
 * Note: the body is preferred because a form body has one encoding that every provider decodes
 * alike, whatever the secret holds. HTTP Basic credentials are form-encoded first (RFC 6749
 * §2.3.1), and providers that skip the decoding (LemonLDAP::NG 2.16, older Spring Security and
 * IdentityServer) refuse secrets with `+ / = %` or a space, however a client encodes them.
 * panva's openid-client, built on oauth4webapi, defaults to the body too.
 */
export function chooseClientAuthMethod(
	override: ClientAuthMethod | undefined,
	supported: readonly string[] | undefined
): ClientAuthMethod | null {
	if (override !== undefined) return override;
	const methods = supported ?? ['client_secret_basic'];
	if (methods.includes('client_secret_post')) return 'client_secret_post';
	if (methods.includes('client_secret_basic')) return 'client_secret_basic';
	return null;
}

/** oauth4webapi's client authentication for `method`; Basic as `basicCredentials` encodes it. */
export function toClientAuth(method: ClientAuthMethod, clientSecret: string): o.ClientAuth {
	if (method === 'client_secret_post') return o.ClientSecretPost(clientSecret);
	return (_as, client, _body, headers) => {
		headers.set('authorization', basicCredentials(client.client_id, clientSecret));
	};
}

/**
 * The `Authorization` value of `client_secret_basic`, byte for byte as Auth.js's callback sends
 * it (`clientSecretBasic` in @auth/core's `callback.js`): each part form-encoded as
 * `encodeURIComponent` does, a space as `+`, then Base64.
 *
 * Note: oauth4webapi's `ClientSecretBasic` also escapes `- _ . ! ~ * ' ( )`. A provider that
 * form-decodes (RFC 6749 §2.3.1: oidc-provider, Keycloak, Okta, Entra ID, Google) reads both the
 * same, since `%2D` and `-` decode alike; one that does not (LemonLDAP::NG 2.16) accepts only the
 * unescaped form, which Okta's (`-`, `_`) and Entra ID's (`~ . _ -`) secrets then need. So both
 * sign-in and refresh send this encoding, which works wherever the other does, and more widely.
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
	const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
	return `Basic ${btoa(`${encode(clientId)}:${encode(clientSecret)}`)}`;
}
