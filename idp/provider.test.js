// @ts-check
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp } from './provider.js';

const APP = 'http://127.0.0.1:5173';
const GOOGLE_CALLBACK = `${APP}/auth/callback/google`;
const GITHUB_CALLBACK = `${APP}/auth/callback/github`;

/** @type {import('./provider.js').Idp} */
let idp;

beforeAll(async () => {
	idp = await startIdp({
		appOrigins: [APP, 'http://localhost:5173'],
		googlePort: 0,
		githubPort: 0
	});
});

afterAll(() => idp?.close());

/**
 * Just enough of a browser for the sign-in pages: manual redirects, submitting each page's form,
 * and one cookie jar for all of 127.0.0.1 (browsers ignore ports too; cookie paths are ignored
 * here for brevity).
 */
class Browser {
	/** @type {Map<string, string>} */
	cookies = new Map();

	/**
	 * @param {string | URL} url
	 * @param {Record<string, string>} [form] posted urlencoded when given
	 */
	async request(url, form) {
		const res = await fetch(url, {
			method: form ? 'POST' : 'GET',
			redirect: 'manual',
			headers: {
				cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
				...(form && { 'content-type': 'application/x-www-form-urlencoded' })
			},
			body: form && new URLSearchParams(form)
		});
		for (const header of res.headers.getSetCookie()) {
			const [pair = ''] = header.split(';');
			const name = pair.slice(0, pair.indexOf('='));
			const value = pair.slice(pair.indexOf('=') + 1);
			if (value) this.cookies.set(name, value);
			else this.cookies.delete(name);
		}
		return res;
	}

	/**
	 * Opens an authorization URL and works through the IdP's pages until it redirects to the app.
	 * @param {URL} authorizeUrl
	 * @param {string} login typed on the login page
	 * @param {{ deny?: boolean }} [options] cancel on the first page instead
	 * @returns {Promise<{ callback: URL, pages: string[] }>} the callback URL and the pages seen
	 */
	async signIn(authorizeUrl, login, { deny = false } = {}) {
		/** @type {string[]} */
		const pages = [];
		let url = authorizeUrl;
		let res = await this.request(url);
		while (pages.length < 10) {
			if (res.status >= 300 && res.status < 400) {
				url = new URL(/** @type {string} */ (res.headers.get('location')), url);
				if (url.href.startsWith(`${APP}/`)) return { callback: url, pages };
				res = await this.request(url);
				continue;
			}
			const html = await res.text();
			expect(res.status, html).toBe(200);
			const form = parseForm(html);
			if (deny) {
				pages.push('cancel');
				res = await this.request(new URL(`${url.pathname}/abort`, url));
			} else if ('login' in form.fields) {
				pages.push('login');
				res = await this.request(new URL(form.action, url), { login });
			} else {
				pages.push(html.includes('Authorize</button>') ? 'consent' : 'auto-submit');
				res = await this.request(new URL(form.action, url), form.fields);
			}
		}
		throw new Error(`No redirect to the app after ${pages.join(', ')}`);
	}
}

/**
 * The first form on a page: its action and its named inputs.
 * @param {string} html
 */
function parseForm(html) {
	const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
	if (!form) throw new Error(`No form in:\n${html}`);
	const [, action = '', body = ''] = form;
	/** @type {Record<string, string>} */
	const fields = {};
	for (const [input] of body.matchAll(/<input[^>]*>/g)) {
		const name = /name="([^"]*)"/.exec(input)?.[1];
		if (name) fields[name] = /value="([^"]*)"/.exec(input)?.[1] ?? '';
	}
	return { action, fields };
}

/** A PKCE pair as Auth.js makes it. */
function pkce() {
	const verifier = randomBytes(32).toString('base64url');
	const challenge = createHash('sha256').update(verifier).digest('base64url');
	return { verifier, challenge };
}

/**
 * @param {string} endpoint
 * @param {{ clientId: string, clientSecret: string }} client
 * @param {Record<string, string>} params
 */
async function tokenRequest(endpoint, client, params) {
	const credentials = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
	const res = await fetch(endpoint, {
		method: 'POST',
		headers: {
			authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: new URLSearchParams(params)
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** @param {string} issuer */
async function metadata(issuer) {
	const res = await fetch(`${issuer}/.well-known/openid-configuration`);
	expect(res.status).toBe(200);
	return res.json();
}

/**
 * Starts sign-in the way Auth.js's GitHub provider does: plain OAuth 2.0, no openid scope.
 * @param {import('./provider.js').Idp['github']} github
 * @param {Browser} browser
 * @param {string} login
 * @param {{ deny?: boolean }} [options]
 */
async function githubAuthorize(github, browser, login, options) {
	const { verifier, challenge } = pkce();
	const url = new URL(`${github.baseUrl}/login/oauth/authorize`);
	url.search = new URLSearchParams({
		client_id: github.clientId,
		redirect_uri: GITHUB_CALLBACK,
		response_type: 'code',
		scope: 'read:user user:email',
		code_challenge: challenge,
		code_challenge_method: 'S256'
	}).toString();
	const { callback, pages } = await browser.signIn(url, login, options);
	// Auth.js compares `iss` with `${baseUrl}/login/oauth`.
	expect(callback.searchParams.get('iss')).toBe(`${github.baseUrl}/login/oauth`);
	return { callback, pages, verifier };
}

/**
 * Signs in to the GitHub-shaped IdP and exchanges the code for tokens.
 * @param {import('./provider.js').Idp['github']} github
 * @param {Browser} browser
 * @param {string} login
 */
async function githubSignIn(github, browser, login) {
	const { callback, pages, verifier } = await githubAuthorize(github, browser, login);
	const tokens = await tokenRequest(`${github.baseUrl}/login/oauth/access_token`, github, {
		grant_type: 'authorization_code',
		code: callback.searchParams.get('code') ?? '',
		redirect_uri: GITHUB_CALLBACK,
		code_verifier: verifier
	});
	expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
	return { pages, tokens: tokens.body };
}

/**
 * @param {import('./provider.js').Idp['github']} github
 * @param {string} [accessToken]
 */
function githubApi(github, accessToken, path = '/api/v3/user') {
	return fetch(`${github.baseUrl}${path}`, {
		headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {}
	});
}

describe('Google-shaped IdP', () => {
	/**
	 * Signs in the way Auth.js's Google provider does, including its extra parameters.
	 * @param {Browser} browser
	 * @param {string} login
	 */
	async function signIn(browser, login) {
		const { authorization_endpoint, token_endpoint } = await metadata(idp.google.issuer);
		const { verifier, challenge } = pkce();
		const url = new URL(authorization_endpoint);
		url.search = new URLSearchParams({
			client_id: idp.google.clientId,
			redirect_uri: GOOGLE_CALLBACK,
			response_type: 'code',
			scope: 'openid email profile',
			access_type: 'offline',
			prompt: 'consent',
			state: 'state-123',
			code_challenge: challenge,
			code_challenge_method: 'S256'
		}).toString();
		const { callback, pages } = await browser.signIn(url, login);
		const code = callback.searchParams.get('code');
		expect(callback.searchParams.get('iss')).toBe(idp.google.issuer);
		expect(callback.searchParams.get('state')).toBe('state-123');
		expect(code).toBeTruthy();
		const tokens = await tokenRequest(token_endpoint, idp.google, {
			grant_type: 'authorization_code',
			code: /** @type {string} */ (code),
			redirect_uri: GOOGLE_CALLBACK,
			code_verifier: verifier
		});
		expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
		return { pages, tokens: tokens.body };
	}

	it('publishes OIDC discovery at its issuer', async () => {
		const doc = await metadata(idp.google.issuer);
		expect(idp.google.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(doc.issuer).toBe(idp.google.issuer);
		expect(doc.token_endpoint).toBe(`${idp.google.issuer}/token`);
		expect(doc.userinfo_endpoint).toMatch(new RegExp(`^${idp.google.issuer}/`));
		expect(doc.revocation_endpoint).toMatch(new RegExp(`^${idp.google.issuer}/`));
		expect(doc.code_challenge_methods_supported).toEqual(['S256']);
		expect(doc.id_token_signing_alg_values_supported).toEqual(['RS256']);
	});

	it('signs in with PKCE and puts the profile into an RS256 ID token', async () => {
		const { pages, tokens } = await signIn(new Browser(), 'Ada.Lovelace');
		expect(pages).toEqual(['login', 'consent']);
		expect(tokens.refresh_token).toBeTruthy();
		expect(tokens.expires_in).toBe(300);

		const jwks = createRemoteJWKSet(new URL((await metadata(idp.google.issuer)).jwks_uri));
		const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, {
			issuer: idp.google.issuer,
			audience: idp.google.clientId
		});
		expect(protectedHeader.alg).toBe('RS256');
		expect(payload).toMatchObject({
			sub: 'ada.lovelace',
			name: 'Ada Lovelace',
			email: 'ada.lovelace@example.test',
			email_verified: true,
			picture: expect.stringMatching(/^data:image\/svg\+xml,/)
		});
	});

	it('rotates refresh tokens and rejects a reused one, revoking the grant', async () => {
		const { tokens } = await signIn(new Browser(), 'grace');
		const { token_endpoint } = await metadata(idp.google.issuer);
		const refresh = (/** @type {string} */ token) =>
			tokenRequest(token_endpoint, idp.google, {
				grant_type: 'refresh_token',
				refresh_token: token
			});

		const first = await refresh(tokens.refresh_token);
		expect(first.status).toBe(200);
		expect(first.body.refresh_token).toBeTruthy();
		expect(first.body.refresh_token).not.toBe(tokens.refresh_token);

		const reuse = await refresh(tokens.refresh_token);
		expect(reuse.status).toBe(400);
		expect(reuse.body.error).toBe('invalid_grant');
		// Reuse signals a leaked token, so the rotated one is revoked along with the grant.
		expect((await refresh(first.body.refresh_token)).body.error).toBe('invalid_grant');
	});

	it('asks for a username every time, so one browser can switch users', async () => {
		const browser = new Browser();
		const first = await signIn(browser, 'alice');
		const second = await signIn(browser, 'bob');
		expect(first.pages).toEqual(['login', 'consent']);
		// Signing in as someone else first ends alice's IdP session through oidc-provider's
		// self-submitting logout form (a browser runs it without user input).
		expect(second.pages).toEqual(['login', 'auto-submit', 'consent']);
		const { token_endpoint } = await metadata(idp.google.issuer);
		const refreshed = await tokenRequest(token_endpoint, idp.google, {
			grant_type: 'refresh_token',
			refresh_token: first.tokens.refresh_token
		});
		// Switching users ends alice's IdP session but not the tokens the app holds for her.
		expect(refreshed.status).toBe(200);
		const claims = (/** @type {string} */ jwt) =>
			JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
		expect(claims(refreshed.body.id_token).sub).toBe('alice');
		expect(claims(second.tokens.id_token).sub).toBe('bob');
	});

	it('asks for consent on every sign-in, as prompt=consent requests', async () => {
		const browser = new Browser();
		await signIn(browser, 'hedy');
		const again = await signIn(browser, 'hedy');
		expect(again.pages).toEqual(['login', 'consent']);
		expect(again.tokens.scope.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
	});

	it('rejects authorization requests without PKCE', async () => {
		const { authorization_endpoint } = await metadata(idp.google.issuer);
		const url = new URL(authorization_endpoint);
		url.search = new URLSearchParams({
			client_id: idp.google.clientId,
			redirect_uri: GOOGLE_CALLBACK,
			response_type: 'code',
			scope: 'openid email'
		}).toString();
		const res = await fetch(url, { redirect: 'manual' });
		const location = new URL(/** @type {string} */ (res.headers.get('location')));
		expect(location.href.startsWith(GOOGLE_CALLBACK)).toBe(true);
		expect(location.searchParams.get('error')).toBe('invalid_request');
	});

	it('only redirects to registered app origins', async () => {
		const { authorization_endpoint } = await metadata(idp.google.issuer);
		/** @param {string} redirectUri */
		const authorize = (redirectUri) => {
			const url = new URL(authorization_endpoint);
			url.search = new URLSearchParams({
				client_id: idp.google.clientId,
				redirect_uri: redirectUri,
				response_type: 'code',
				scope: 'openid',
				code_challenge: pkce().challenge,
				code_challenge_method: 'S256'
			}).toString();
			return fetch(url, { redirect: 'manual' });
		};
		const localhost = await authorize('http://localhost:5173/auth/callback/google');
		expect(localhost.status).toBe(303);
		expect(localhost.headers.get('location')).toMatch(/^\/interaction\//);
		const foreign = await authorize('http://evil.test/auth/callback/google');
		expect(foreign.status).toBe(400);
		expect(await foreign.text()).toContain('redirect_uri');
	});
});

describe('GitHub-shaped IdP', () => {
	it('serves its metadata under /login/oauth with GitHub-style endpoints', async () => {
		const base = idp.github.baseUrl;
		for (const path of ['openid-configuration', 'oauth-authorization-server']) {
			const res = await fetch(`${base}/login/oauth/.well-known/${path}`);
			const doc = await res.json();
			expect(doc.issuer).toBe(`${base}/login/oauth`);
			expect(doc.authorization_endpoint).toBe(`${base}/login/oauth/authorize`);
			expect(doc.token_endpoint).toBe(`${base}/login/oauth/access_token`);
			expect(doc.scopes_supported).toEqual(expect.arrayContaining(['read:user', 'user:email']));
		}
	});

	it('answers the user API with 401 Bad credentials without a valid token', async () => {
		for (const res of [await githubApi(idp.github), await githubApi(idp.github, 'bogus')]) {
			expect(res.status).toBe(401);
			expect(await res.json()).toEqual({ message: 'Bad credentials' });
		}
	});

	it('signs in without openid and serves the user from /api/v3', async () => {
		const { pages, tokens } = await githubSignIn(idp.github, new Browser(), 'Linus');
		expect(pages).toEqual(['login', 'consent']);
		expect(tokens.id_token).toBeUndefined();
		expect(tokens.refresh_token).toBeTruthy();
		expect(tokens.scope.split(' ').sort()).toEqual(['read:user', 'user:email']);

		const user = await (await githubApi(idp.github, tokens.access_token)).json();
		expect(user).toMatchObject({
			login: 'linus',
			name: 'Linus',
			email: 'linus@example.test',
			avatar_url: expect.stringMatching(/^data:image\/svg\+xml,/)
		});
		expect(Number.isInteger(user.id) && user.id > 0).toBe(true);

		const emails = await (
			await githubApi(idp.github, tokens.access_token, '/api/v3/user/emails')
		).json();
		expect(emails).toEqual([
			expect.objectContaining({ email: 'linus@example.test', primary: true, verified: true })
		]);

		// Same login, same GitHub id; another login, another id.
		const again = await githubSignIn(idp.github, new Browser(), 'linus');
		expect((await (await githubApi(idp.github, again.tokens.access_token)).json()).id).toBe(
			user.id
		);
		const other = await githubSignIn(idp.github, new Browser(), 'linus2');
		expect((await (await githubApi(idp.github, other.tokens.access_token)).json()).id).not.toBe(
			user.id
		);
	});

	it('skips consent on a later sign-in by the same user in the same browser', async () => {
		const browser = new Browser();
		await githubSignIn(idp.github, browser, 'margaret');
		expect((await githubSignIn(idp.github, browser, 'margaret')).pages).toEqual(['login']);
	});

	it('revokes access tokens (RFC 7009)', async () => {
		const { tokens } = await githubSignIn(idp.github, new Browser(), 'ken');
		expect((await githubApi(idp.github, tokens.access_token)).status).toBe(200);
		const revoked = await tokenRequest(
			`${idp.github.baseUrl}/login/oauth/token/revocation`,
			idp.github,
			{ token: tokens.access_token }
		);
		expect(revoked.status).toBe(200);
		expect((await githubApi(idp.github, tokens.access_token)).status).toBe(401);
	});

	it('rejects malformed usernames on the login page', async () => {
		const browser = new Browser();
		const url = new URL(`${idp.github.baseUrl}/login/oauth/authorize`);
		url.search = new URLSearchParams({
			client_id: idp.github.clientId,
			redirect_uri: GITHUB_CALLBACK,
			response_type: 'code',
			scope: 'read:user',
			code_challenge: pkce().challenge,
			code_challenge_method: 'S256'
		}).toString();
		const interaction = new URL(
			/** @type {string} */ ((await browser.request(url)).headers.get('location')),
			url
		);
		const page = await (await browser.request(interaction)).text();
		expect(page).toContain('<h1>Local GitHub</h1>');
		const res = await browser.request(new URL(parseForm(page).action, url), { login: 'no spaces' });
		expect(res.status).toBe(400);
		expect(await res.text()).toContain('role="alert"');
	});

	it('reports a cancelled sign-in to the app as access_denied', async () => {
		const { callback, pages } = await githubAuthorize(idp.github, new Browser(), 'nobody', {
			deny: true
		});
		expect(pages).toEqual(['cancel']);
		expect(callback.searchParams.get('error')).toBe('access_denied');
	});
});

describe('access token lifetime', () => {
	it('stops accepting access tokens once accessTokenTtl has passed', async () => {
		const shortLived = await startIdp({
			appOrigins: [APP],
			googlePort: 0,
			githubPort: 0,
			accessTokenTtl: 2
		});
		try {
			const { tokens } = await githubSignIn(shortLived.github, new Browser(), 'brief');
			expect(tokens.expires_in).toBe(2);
			expect((await githubApi(shortLived.github, tokens.access_token)).status).toBe(200);
			await new Promise((resolve) => setTimeout(resolve, 2100));
			expect((await githubApi(shortLived.github, tokens.access_token)).status).toBe(401);
		} finally {
			await shortLived.close();
		}
	});
});
