// @ts-check
/**
 * The app's view of the local IdP: for each of its instances the issuer and client that Auth.js
 * is configured with, the endpoints it calls, and the environment that points the app there.
 */
import { metadata } from './oauth.js';

/** @typedef {import('../provider.js').Idp} Idp */
/** @typedef {import('../faults.js').ProviderName} ProviderName */

/**
 * The issuer (as Auth.js checks `iss` against it) and client of one of the IdP's instances.
 * @param {Idp} idp
 * @param {ProviderName} provider
 */
export function clientOf(idp, provider) {
	if (provider === 'google') return idp.google;
	if (provider === 'github') return { ...idp.github, issuer: `${idp.github.baseUrl}/login/oauth` };
	if (provider === 'oidc') return idp.oidc;
	throw new Error(
		`Unknown provider ${JSON.stringify(provider)}: expected 'google', 'github' or 'oidc'`
	);
}

/**
 * The endpoints Auth.js uses: discovered for OIDC providers (Google, the OIDC issuer), fixed for
 * GitHub.
 * @param {Idp} idp
 * @param {ProviderName} provider
 */
export async function endpointsOf(idp, provider) {
	if (provider === 'github') {
		return {
			authorization: `${idp.github.baseUrl}/login/oauth/authorize`,
			token: `${idp.github.baseUrl}/login/oauth/access_token`
		};
	}
	const doc = await metadata(clientOf(idp, provider).issuer);
	return { authorization: String(doc.authorization_endpoint), token: String(doc.token_endpoint) };
}

/**
 * The environment that points the app's GitHub, Google and OIDC providers at this IdP, exactly as
 * a deployment would point them at real ones. AUTH_OIDC_NAME is left unset: the sign-in page
 * then offers the OIDC issuer under its default name.
 * @param {Idp} idp as returned by `startIdp`
 */
export function providerEnv(idp) {
	return {
		AUTH_GITHUB_ID: idp.github.clientId,
		AUTH_GITHUB_SECRET: idp.github.clientSecret,
		AUTH_GITHUB_ENTERPRISE_URL: idp.github.baseUrl,
		AUTH_GOOGLE_ID: idp.google.clientId,
		AUTH_GOOGLE_SECRET: idp.google.clientSecret,
		AUTH_GOOGLE_ISSUER: idp.google.issuer,
		AUTH_OIDC_ID: idp.oidc.clientId,
		AUTH_OIDC_SECRET: idp.oidc.clientSecret,
		AUTH_OIDC_ISSUER: idp.oidc.issuer
	};
}
