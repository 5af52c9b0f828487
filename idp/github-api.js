// @ts-check
import { profileFor } from './accounts.js';

/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */

/** GitHub Enterprise serves its REST API under this prefix of the instance's base URL. */
export const API_PREFIX = '/api/v3/';
const USER = `${API_PREFIX}user`;
const EMAILS = `${API_PREFIX}user/emails`;

/**
 * The slice of GitHub's REST API that Auth.js's GitHub provider reads after the token exchange:
 * GET /api/v3/user and GET /api/v3/user/emails, authorized by an access token this IdP issued.
 * @param {import('oidc-provider').default} provider
 * @param {Request} req
 * @param {Response} res
 */
export async function handleGithubApi(provider, req, res) {
	const { pathname } = new URL(req.url ?? '/', 'http://idp.invalid');
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

	const { login, githubId, name, email, picture } = profileFor(token.accountId);
	if (pathname === EMAILS) {
		return sendJson(res, 200, [{ email, primary: true, verified: true, visibility: 'private' }]);
	}
	return sendJson(res, 200, { id: githubId, login, name, email, avatar_url: picture });
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
