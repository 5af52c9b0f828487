// @ts-check
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp } from './provider.js';
import { Browser, parseForm } from './testkit/browser.js';
import { authorize, obtainTokens, signIn } from './testkit/flows.js';
import { metadata, pkce, tokenRequest } from './testkit/oauth.js';

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
	async function googleSignIn(browser, login) {
		const { callback, pages, tokens } = await signIn(idp, 'google', browser, login, {
			params: { state: 'state-123' }
		});
		expect(callback.searchParams.get('iss')).toBe(idp.google.issuer);
		expect(callback.searchParams.get('state')).toBe('state-123');
		expect(callback.searchParams.get('code')).toBeTruthy();
		return { pages, tokens };
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
		const { pages, tokens } = await googleSignIn(new Browser(APP), 'Ada.Lovelace');
		expect(pages).toEqual(['login', 'consent']);
		expect(tokens.refresh_token).toBeTruthy();
		expect(tokens.expires_in).toBe(300);

		const jwks = createRemoteJWKSet(new URL((await metadata(idp.google.issuer)).jwks_uri));
		const { payload, protectedHeader } = await jwtVerify(
			/** @type {string} */ (tokens.id_token),
			jwks,
			{
				issuer: idp.google.issuer,
				audience: idp.google.clientId
			}
		);
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
		const { tokens } = await googleSignIn(new Browser(APP), 'grace');
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
		const browser = new Browser(APP);
		const first = await googleSignIn(browser, 'alice');
		const second = await googleSignIn(browser, 'bob');
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
		expect(claims(/** @type {string} */ (second.tokens.id_token)).sub).toBe('bob');
	});

	it('asks for consent on every sign-in, as prompt=consent requests', async () => {
		const browser = new Browser(APP);
		await googleSignIn(browser, 'hedy');
		const again = await googleSignIn(browser, 'hedy');
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
		const { pages, tokens } = await signIn(idp, 'github', new Browser(APP), 'Linus');
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
		const again = await signIn(idp, 'github', new Browser(APP), 'linus');
		expect((await (await githubApi(idp.github, again.tokens.access_token)).json()).id).toBe(
			user.id
		);
		const other = await signIn(idp, 'github', new Browser(APP), 'linus2');
		expect((await (await githubApi(idp.github, other.tokens.access_token)).json()).id).not.toBe(
			user.id
		);
	});

	it('skips consent on a later sign-in by the same user in the same browser', async () => {
		const browser = new Browser(APP);
		await signIn(idp, 'github', browser, 'margaret');
		expect((await signIn(idp, 'github', browser, 'margaret')).pages).toEqual(['login']);
	});

	it('revokes access tokens (RFC 7009)', async () => {
		const { tokens } = await signIn(idp, 'github', new Browser(APP), 'ken');
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
		const browser = new Browser(APP);
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
		const { callback, pages } = await authorize(idp, 'github', new Browser(APP), 'nobody', {
			deny: true
		});
		expect(pages).toEqual(['cancel']);
		expect(callback.searchParams.get('error')).toBe('access_denied');
	});
});

describe('OIDC-issuer-shaped IdP', () => {
	/** @param {string} jwt */
	const claimsOf = (jwt) =>
		JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());

	it('publishes OIDC discovery at an issuer with a path, with userinfo and revocation', async () => {
		const doc = await metadata(idp.oidc.issuer);
		expect(idp.oidc.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oidc$/);
		expect(doc.issuer).toBe(idp.oidc.issuer);
		for (const endpoint of ['token', 'userinfo', 'revocation']) {
			expect(doc[`${endpoint}_endpoint`]).toMatch(new RegExp(`^${idp.oidc.issuer}/`));
		}
		expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'offline_access']));
	});

	it('gives offline access with consent: a refresh token, the profile at userinfo only', async () => {
		const { pages, tokens } = await signIn(idp, 'oidc', new Browser(APP), 'Barbara.Liskov');
		expect(pages).toEqual(['login', 'consent']);
		expect(tokens.refresh_token).toBeTruthy();
		expect(tokens.scope.split(' ').sort()).toEqual([
			'email',
			'offline_access',
			'openid',
			'profile'
		]);
		// As Okta does when it issues an access token too: the ID token names the user, no more.
		const idToken = claimsOf(/** @type {string} */ (tokens.id_token));
		expect(idToken).toMatchObject({ iss: idp.oidc.issuer, sub: 'barbara.liskov' });
		expect(idToken).not.toHaveProperty('email');

		const { userinfo_endpoint } = await metadata(idp.oidc.issuer);
		const userinfo = await fetch(userinfo_endpoint, {
			headers: { authorization: `Bearer ${tokens.access_token}` }
		});
		expect(await userinfo.json()).toMatchObject({
			sub: 'barbara.liskov',
			name: 'Barbara Liskov',
			preferred_username: 'barbara.liskov',
			email: 'barbara.liskov@example.test'
		});
	});

	it('ignores offline_access without prompt=consent, as OIDC Core asks: no refresh token', async () => {
		const { tokens } = await signIn(idp, 'oidc', new Browser(APP), 'no-consent', {
			params: { prompt: 'login' }
		});
		expect(tokens.scope.split(' ')).not.toContain('offline_access');
		expect(tokens.refresh_token).toBeUndefined();
	});

	it('rotates refresh tokens and rejects a reused one', async () => {
		const { tokens } = await signIn(idp, 'oidc', new Browser(APP), 'rotating');
		const { token_endpoint } = await metadata(idp.oidc.issuer);
		const refresh = (/** @type {string} */ token) =>
			tokenRequest(token_endpoint, idp.oidc, { grant_type: 'refresh_token', refresh_token: token });

		const first = await refresh(tokens.refresh_token);
		expect(first.status).toBe(200);
		expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
		expect((await refresh(tokens.refresh_token)).body.error).toBe('invalid_grant');
	});
});

describe('onTokenEndpoint', () => {
	it('reports each token endpoint request, granted or refused', async () => {
		/** @type {import('./provider.js').TokenEndpointEvent[]} */
		const events = [];
		const unsubscribe = idp.onTokenEndpoint((event) => events.push(event));
		try {
			const tokens = await obtainTokens(idp, 'google', 'joan', APP);
			const { token_endpoint } = await metadata(idp.google.issuer);
			const refresh = () =>
				tokenRequest(token_endpoint, idp.google, {
					grant_type: 'refresh_token',
					refresh_token: tokens.refresh_token
				});
			const rotated = await refresh();
			expect(rotated.status).toBe(200);
			expect((await refresh()).status).toBe(400);

			expect(events).toEqual([
				{
					provider: 'google',
					grantType: 'authorization_code',
					login: 'joan',
					ok: true,
					body: expect.objectContaining({
						access_token: tokens.access_token,
						refresh_token: tokens.refresh_token,
						id_token: tokens.id_token
					})
				},
				{
					provider: 'google',
					grantType: 'refresh_token',
					login: 'joan',
					ok: true,
					body: expect.objectContaining({ refresh_token: rotated.body.refresh_token })
				},
				{
					provider: 'google',
					grantType: 'refresh_token',
					login: 'joan',
					ok: false,
					error: 'invalid_grant'
				}
			]);
		} finally {
			unsubscribe();
		}
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
			const { tokens } = await signIn(shortLived, 'github', new Browser(APP), 'brief');
			expect(tokens.expires_in).toBe(2);
			expect((await githubApi(shortLived.github, tokens.access_token)).status).toBe(200);
			await new Promise((resolve) => setTimeout(resolve, 2100));
			expect((await githubApi(shortLived.github, tokens.access_token)).status).toBe(401);
		} finally {
			await shortLived.close();
		}
	});
});
