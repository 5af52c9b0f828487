// @ts-check
import { profileFor } from './accounts.js';

/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */

/** GitHub Enterprise serves its REST API under this prefix of the instance's base URL. */
export const API_PREFIX = '/api/v3/';
const USER = `${API_PREFIX}user`;
const EMAILS = `${API_PREFIX}user/emails`;
const APP_TOKEN = new RegExp(`^${API_PREFIX}applications/([^/]+)/token$`);

/**
 * The slice of GitHub's REST API that Auth.js's GitHub provider reads after the token exchange:
 * GET /api/v3/user and GET /api/v3/user/emails, authorized by an access token this IdP issued.
 * @param {import('oidc-provider').default} provider
 * @param {Request} req
 * @param {Response} res
 */
export async function handleGithubApi(provider, req, res) {
	const { pathname } = new URL(req.url ?? '/', 'http://idp.invalid');
	const appToken = APP_TOKEN.exec(pathname);
	if (req.method === 'DELETE' && appToken)
		return deleteAppToken(provider, appToken[1] ?? '', req, res);
	if (req.method !== 'GET' || (pathname !== USER && pathname !== EMAILS)) {
		return sendJson(res, 404, { message: 'Not Found' });
	}

	// GitHub accepts both schemes; Auth.js sends "Bearer".
	const value = /^(?:Bearer|token) (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
	// find() returns nothing for unknown, expired or revoked tokens (clockTolerance is 0).
	const token = value ? await provider.AccessToken.find(value) : undefined;
	if (!token?.accountId) {
		return sendJson(res, 401, { message: 'Bad credentials' });
	}

	const { login, githubId, name, email, emailVerified, picture } = profileFor(token.accountId);
	if (pathname === EMAILS) {
		return sendJson(res, 200, [
			{ email, primary: true, verified: emailVerified, visibility: 'private' }
		]);
	}
	// Note: GitHub's public email is always a verified one.
	const publicEmail = emailVerified ? email : null;
	return sendJson(res, 200, { id: githubId, login, name, email: publicEmail, avatar_url: picture });
}

/**
 * GitHub's "delete an app token": DELETE /api/v3/applications/{client_id}/token with the app's
 * client id and secret as Basic credentials and `{"access_token": …}`. Answers 204 and revokes
 * the token's whole grant, so its refresh token dies with it.
 * @param {import('oidc-provider').default} provider
 * @param {string} clientId
 * @param {Request} req
 * @param {Response} res
 */
async function deleteAppToken(provider, clientId, req, res) {
	const basic = /^Basic (\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
	const [id, secret] = Buffer.from(basic, 'base64').toString().split(':');
	const client = id === clientId ? await provider.Client.find(clientId) : undefined;
	if (client === undefined || client.clientSecret !== secret) {
		return sendJson(res, 401, { message: 'Bad credentials' });
	}
	let body = '';
	for await (const chunk of req) body += chunk;
	const value = /** @type {{ access_token?: unknown }} */ (JSON.parse(body || '{}')).access_token;
	const token = typeof value === 'string' ? await provider.AccessToken.find(value) : undefined;
	if (token?.clientId !== clientId || token.grantId === undefined) {
		return sendJson(res, 404, { message: 'Not Found' });
	}
	await provider.AccessToken.revokeByGrantId(token.grantId);
	await provider.RefreshToken.revokeByGrantId(token.grantId);
	res.writeHead(204).end();
}

/**
 * @param {Response} res
 * @param {number} status
 * @param {unknown} body
 */
function sendJson(res, status, body) {
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}
