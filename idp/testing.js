// @ts-check
/**
 * A test kit for the local IdP: a programmatic "browser" that works through its sign-in pages,
 * and helpers that run the same OAuth flows as the app's Auth.js providers, so tests can get real
 * tokens without a real browser. For tests only; it depends on nothing but Node.
 */
import { createHash, randomBytes } from 'node:crypto';

/** @typedef {import('./provider.js').Idp} Idp */
/** @typedef {'google' | 'github'} ProviderName */

/**
 * A successful token response, as the IdP sends it.
 * @typedef {object} TokenResponse
 * @property {string} access_token
 * @property {string} refresh_token always issued: both IdPs act like offline access was granted
 * @property {number} expires_in seconds
 * @property {string} scope space-separated
 * @property {string} token_type
 * @property {string} [id_token] Google only
 */

/**
 * Just enough of a browser for the sign-in pages: manual redirects, submitting each page's form,
 * and one cookie jar for all of 127.0.0.1 (browsers ignore ports too; cookie paths are ignored
 * here for brevity).
 */
export class Browser {
	/** @type {Map<string, string>} */
	cookies = new Map();

	/**
	 * @param {string} appOrigin the app's origin, e.g. http://127.0.0.1:5173: sign-in ends at the
	 *   first redirect there
	 */
	constructor(appOrigin) {
		/** @readonly */
		this.appOrigin = new URL(appOrigin).origin;
	}

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
				// Every form posted here is same-origin, and browsers send Origin on a POST.
				...(form && {
					'content-type': 'application/x-www-form-urlencoded',
					origin: new URL(url).origin
				})
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
				if (url.href.startsWith(`${this.appOrigin}/`)) return { callback: url, pages };
				res = await this.request(url);
				continue;
			}
			const html = await res.text();
			if (res.status !== 200) {
				throw new Error(`${url.href} answered ${res.status} after [${pages.join(', ')}]:\n${html}`);
			}
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
export function parseForm(html) {
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
export function pkce() {
	const verifier = randomBytes(32).toString('base64url');
	const challenge = createHash('sha256').update(verifier).digest('base64url');
	return { verifier, challenge };
}

/**
 * POSTs to the token or revocation endpoint, authenticated with client_secret_basic.
 * @param {string} endpoint
 * @param {{ clientId: string, clientSecret: string }} client
 * @param {Record<string, string>} params
 * @returns {Promise<{ status: number, body: any }>} body is the parsed JSON, if any
 */
export async function tokenRequest(endpoint, client, params) {
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

/**
 * The issuer (as Auth.js checks `iss` against it) and client of one of the IdP's instances.
 * @param {Idp} idp
 * @param {ProviderName} provider
 */
function instance(idp, provider) {
	if (provider === 'google') return idp.google;
	if (provider === 'github') return { ...idp.github, issuer: `${idp.github.baseUrl}/login/oauth` };
	throw new Error(`Unknown provider ${JSON.stringify(provider)}: expected 'google' or 'github'`);
}

/**
 * The endpoints Auth.js uses: discovered for Google (an OIDC provider), fixed for GitHub.
 * @param {Idp} idp
 * @param {ProviderName} provider
 */
async function endpoints(idp, provider) {
	if (provider === 'github') {
		return {
			authorization: `${idp.github.baseUrl}/login/oauth/authorize`,
			token: `${idp.github.baseUrl}/login/oauth/access_token`
		};
	}
	const doc = await metadata(instance(idp, provider).issuer);
	return { authorization: String(doc.authorization_endpoint), token: String(doc.token_endpoint) };
}

/** What each Auth.js provider adds to the authorization request, besides PKCE. */
const AUTHORIZATION_PARAMS = {
	// The app asks Google for a refresh token, and thereby for consent every time.
	google: { scope: 'openid email profile', prompt: 'consent', access_type: 'offline' },
	github: { scope: 'read:user user:email' }
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
	const { issuer, clientId } = instance(idp, provider);
	const { authorization, token } = await endpoints(idp, provider);
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
	const tokens = await tokenRequest(tokenEndpoint, instance(idp, provider), {
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
 * discovery document names, authenticated with client_secret_basic.
 * @param {Idp} idp as returned by `startIdp`
 * @param {ProviderName} provider
 * @param {string} token
 * @returns {Promise<void>}
 */
export async function revokeToken(idp, provider, token) {
	const client = instance(idp, provider);
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

/**
 * The environment that points the app's GitHub and Google providers at this IdP, exactly as a
 * deployment would point them at real ones.
 * @param {Idp} idp as returned by `startIdp`
 */
export function providerEnv(idp) {
	return {
		AUTH_GITHUB_ID: idp.github.clientId,
		AUTH_GITHUB_SECRET: idp.github.clientSecret,
		AUTH_GITHUB_ENTERPRISE_URL: idp.github.baseUrl,
		AUTH_GOOGLE_ID: idp.google.clientId,
		AUTH_GOOGLE_SECRET: idp.google.clientSecret,
		AUTH_GOOGLE_ISSUER: idp.google.issuer
	};
}
