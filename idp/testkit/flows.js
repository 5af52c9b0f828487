// @ts-check
/**
 * The OAuth flows of the app's Auth.js providers, run against the local IdP without the app:
 * tests get real tokens (and revoke them) without a real browser.
 */
import { Browser } from './browser.js';
import { clientOf, endpointsOf } from './clients.js';
import { metadata, pkce, tokenRequest } from './oauth.js';

/** @typedef {import('../provider.js').Idp} Idp */
/** @typedef {import('./clients.js').ProviderName} ProviderName */
/** @typedef {import('./oauth.js').TokenResponse} TokenResponse */

/** What each Auth.js provider adds to the authorization request, besides PKCE. */
const AUTHORIZATION_PARAMS = {
	// The app asks Google for a refresh token, and thereby for consent every time.
	google: { scope: 'openid email profile', prompt: 'consent', access_type: 'offline' },
	github: { scope: 'read:user user:email' },
	// Offline access for a refresh token; a spec-strict issuer honours it only with consent.
	oidc: { scope: 'openid email profile offline_access', prompt: 'consent' }
};

/**
 * Starts sign-in the way the app's Auth.js provider does (PKCE, its scopes and parameters, a
 * callback at `${browser.appOrigin}/auth/callback/${provider}`) and works through the IdP's pages
 * in `browser`. Checks the callback's `iss`, as Auth.js does.
 * @param {Idp} idp
 * @param {ProviderName} provider
 * @param {Browser} browser
 * @param {string} login
 * @param {{ deny?: boolean, params?: Record<string, string> }} [options] `deny` cancels instead
 *   (the callback then carries an error instead of a code); `params` are added to the request
 */
export async function authorize(idp, provider, browser, login, { deny, params } = {}) {
	const { issuer, clientId } = clientOf(idp, provider);
	const { authorization, token } = await endpointsOf(idp, provider);
	const redirectUri = `${browser.appOrigin}/auth/callback/${provider}`;
	const { verifier, challenge } = pkce();
	const url = new URL(authorization);
	url.search = new URLSearchParams({
		client_id: clientId,
		redirect_uri: redirectUri,
		response_type: 'code',
		...AUTHORIZATION_PARAMS[provider],
		...params,
		code_challenge: challenge,
		code_challenge_method: 'S256'
	}).toString();
	const { callback, pages } = await browser.signIn(url, login, { deny });
	const iss = callback.searchParams.get('iss');
	if (iss !== issuer)
		throw new Error(`The callback ${callback.href} has iss ${iss}, not ${issuer}`);
	if (!deny && !callback.searchParams.get('code')) {
		throw new Error(`The IdP sent no code to the app: ${callback.href}`);
	}
	return { callback, pages, verifier, redirectUri, tokenEndpoint: token };
}

/**
 * Runs {@link authorize} and exchanges the code at the token endpoint like Auth.js does.
 * @param {Idp} idp
 * @param {ProviderName} provider
 * @param {Browser} browser
 * @param {string} login
 * @param {{ params?: Record<string, string> }} [options] added to the authorization request
 * @returns {Promise<{ callback: URL, pages: string[], tokens: TokenResponse }>}
 */
export async function signIn(idp, provider, browser, login, { params } = {}) {
	const { callback, pages, verifier, redirectUri, tokenEndpoint } = await authorize(
		idp,
		provider,
		browser,
		login,
		{ params }
	);
	const tokens = await tokenRequest(tokenEndpoint, clientOf(idp, provider), {
		grant_type: 'authorization_code',
		code: callback.searchParams.get('code') ?? '',
		redirect_uri: redirectUri,
		code_verifier: verifier
	});
	if (tokens.status !== 200) {
		throw new Error(
			`The code exchange at ${tokenEndpoint} answered ${tokens.status}: ${JSON.stringify(tokens.body)}`
		);
	}
	return { callback, pages, tokens: tokens.body };
}

/**
 * Signs `login` in to one of the IdP's instances in a fresh {@link Browser} and returns the
 * tokens the app would get: the full authorization code flow with PKCE, exactly as the app's
 * Auth.js provider runs it, with the callback at `${appOrigin}/auth/callback/${provider}`.
 * @param {Idp} idp as returned by `startIdp`
 * @param {ProviderName} provider
 * @param {string} login any username the login page accepts
 * @param {string} appOrigin one of the `appOrigins` the IdP was started with
 * @returns {Promise<TokenResponse>}
 */
export async function obtainTokens(idp, provider, login, appOrigin) {
	try {
		return (await signIn(idp, provider, new Browser(appOrigin), login)).tokens;
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw new Error(`Could not obtain ${provider} tokens for ${login} at ${appOrigin}: ${reason}`, {
			cause: error
		});
	}
}

/**
 * Revokes an access or refresh token (RFC 7009) at the revocation endpoint the instance's
 * discovery document names, authenticated with client_secret_post.
 * @param {Idp} idp as returned by `startIdp`
 * @param {ProviderName} provider
 * @param {string} token
 * @returns {Promise<void>}
 */
export async function revokeToken(idp, provider, token) {
	const client = clientOf(idp, provider);
	const endpoint = (await metadata(client.issuer)).revocation_endpoint;
	if (typeof endpoint !== 'string') {
		throw new Error(`The ${provider} IdP at ${client.issuer} advertises no revocation_endpoint`);
	}
	const res = await tokenRequest(endpoint, client, { token });
	if (res.status !== 200) {
		throw new Error(
			`Revoking a ${provider} token at ${endpoint} answered ${res.status}: ${JSON.stringify(res.body)}`
		);
	}
}
