// @ts-check
/**
 * The OAuth requests a client sends, as the app's Auth.js providers send them: PKCE, the token
 * and revocation endpoints (client_secret_post) and an issuer's discovery document.
 */
import { createHash, randomBytes } from 'node:crypto';

/**
 * A successful token response, as the IdP sends it.
 * @typedef {object} TokenResponse
 * @property {string} access_token
 * @property {string} refresh_token always issued: Google and GitHub act like offline access was
 *   granted, and the OIDC issuer is asked for it
 * @property {number} expires_in seconds
 * @property {string} scope space-separated
 * @property {string} token_type
 * @property {string} [id_token] OIDC issuers only (Google, the OIDC issuer)
 */

/** A PKCE pair as Auth.js makes it. */
export function pkce() {
	const verifier = randomBytes(32).toString('base64url');
	const challenge = createHash('sha256').update(verifier).digest('base64url');
	return { verifier, challenge };
}

/**
 * POSTs to the token or revocation endpoint, authenticated with client_secret_post: the form body
 * is read alike by every instance whatever the secret holds, `strictBasicAuth` or not.
 * @param {string} endpoint
 * @param {{ clientId: string, clientSecret: string }} client
 * @param {Record<string, string>} params
 * @param {AbortSignal} [signal] gives up the request (the connection is closed)
 * @returns {Promise<{ status: number, body: any }>} body is the parsed JSON, if any
 */
export async function tokenRequest(endpoint, client, params, signal) {
	const res = await fetch(endpoint, {
		signal,
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			...params,
			client_id: client.clientId,
			client_secret: client.clientSecret
		})
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * An issuer's discovery document.
 * @param {string} issuer
 * @returns {Promise<any>}
 */
export async function metadata(issuer) {
	const url = `${issuer}/.well-known/openid-configuration`;
	const res = await fetch(url);
	if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
	return res.json();
}
