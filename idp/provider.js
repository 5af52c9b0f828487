// @ts-check
/**
 * Local stand-ins for Google and GitHub, for development and tests only. Each is a real OAuth 2.0
 * / OpenID Connect authorization server (oidc-provider) on its own port, where any username signs
 * in, so the app's Auth.js code runs exactly the same flows as in production.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider, { interactionPolicy } from 'oidc-provider';
import { findAccount } from './accounts.js';
import { applyFaults, faultConfiguration, faultControls, noFaults } from './faults.js';
import { API_PREFIX, handleGithubApi } from './github-api.js';
import { INTERACTION_PATH, handleInteraction } from './interactions.js';
import { createMemoryAdapter } from './memory-adapter.js';
import { errorPage } from './pages.js';

/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */

const DAY = 24 * 60 * 60;

/**
 * @typedef {object} IdpOptions
 * @property {string[]} appOrigins origins the app is served from, e.g. http://127.0.0.1:5173
 * @property {string} [host] address to listen on, also used in the issuer URLs; default 127.0.0.1
 * @property {number} googlePort 0 picks a free port
 * @property {number} githubPort 0 picks a free port
 * @property {number} [accessTokenTtl] access token lifetime in seconds; default 300
 */

/**
 * @typedef {object} Idp
 * @property {{ issuer: string, clientId: string, clientSecret: string }} google for Auth.js
 *   `Google({ issuer, clientId, clientSecret })`
 * @property {{ baseUrl: string, clientId: string, clientSecret: string }} github for Auth.js
 *   `GitHub({ enterprise: { baseUrl }, clientId, clientSecret })`
 * @property {(listener: (event: TokenEndpointEvent) => void) => () => void} onTokenEndpoint calls
 *   `listener` once for each request to either instance's token endpoint, before the response is
 *   sent: tests use it to learn which tokens were issued (and must never reach a browser) and
 *   which grants failed. Returns a function that removes the listener.
 * @property {import('./faults.js').IdpFaults} faults the token endpoints' fault knobs (latency,
 *   outage, keeping refresh tokens, per-login access-token lifetimes), all off at start
 * @property {() => Promise<void>} close stops both servers
 */

/**
 * One token endpoint request: its grant type (`''` if the request had none), the login it was for
 * (when the grant got that far) and either the token response sent (`ok: true`) or the OAuth
 * error code sent, such as `invalid_grant` (`ok: false`).
 * (`error` and `body` are typed on both variants only so that either can be read before
 * narrowing; an event never has both.)
 * @typedef {{ provider: 'google' | 'github', grantType: string, login?: string } & (
 *   | { ok: true, body: Record<string, unknown>, error?: undefined }
 *   | { ok: false, error: string, body?: undefined }
 * )} TokenEndpointEvent
 */

/**
 * Starts the Google- and GitHub-shaped IdPs, each with one confidential client registered for the
 * app's Auth.js callbacks (`${origin}/auth/callback/google` and `…/github`).
 * @param {IdpOptions} options
 * @returns {Promise<Idp>}
 */
export async function startIdp({
	appOrigins,
	host = '127.0.0.1',
	googlePort,
	githubPort,
	accessTokenTtl = 300
}) {
	const faults = { google: noFaults(), github: noFaults() };
	const google = await startInstance({
		name: 'google',
		label: 'Local Google',
		host,
		port: googlePort,
		mountPath: '',
		appOrigins,
		accessTokenTtl,
		faults: faults.google,
		scopes: ['openid', 'offline_access', 'email', 'profile'],
		claims: { email: ['email', 'email_verified'], profile: ['name', 'picture'] }
	});
	// Auth.js's GitHub provider expects GitHub Enterprise's layout: OAuth endpoints under
	// /login/oauth (which is also the issuer it checks `iss` against) and the REST API under /api/v3.
	const github = await startInstance({
		name: 'github',
		label: 'Local GitHub',
		host,
		port: githubPort,
		mountPath: '/login/oauth',
		routes: { authorization: '/authorize', token: '/access_token' },
		appOrigins,
		accessTokenTtl,
		faults: faults.github,
		scopes: ['read:user', 'user:email'],
		api: handleGithubApi
	}).catch(async (error) => {
		await google.close();
		throw error;
	});

	return {
		google: { issuer: google.issuer, clientId: google.clientId, clientSecret: google.clientSecret },
		github: {
			baseUrl: github.origin,
			clientId: github.clientId,
			clientSecret: github.clientSecret
		},
		onTokenEndpoint: (listener) => {
			const unsubscribes = [google, github].map((instance) => onTokenEndpoint(instance, listener));
			return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
		},
		faults: faultControls(faults),
		close: async () => {
			await Promise.all([google.close(), github.close()]);
		}
	};
}

/**
 * @typedef {object} InstanceSpec
 * @property {'google' | 'github'} name names the client, its callback and the cookies
 * @property {string} label page heading and log prefix
 * @property {string} host
 * @property {number} port
 * @property {string} mountPath path of the issuer on the server, '' for the root
 * @property {Record<string, string>} [routes] endpoint paths relative to the issuer
 * @property {string[]} appOrigins
 * @property {number} accessTokenTtl the default; `faults` can set it per login
 * @property {import('./faults.js').TokenFaults} faults this instance's live knobs
 * @property {string[]} scopes
 * @property {Record<string, string[]>} [claims] claims released per scope
 * @property {(provider: Provider, req: Request, res: Response) => Promise<void>} [api] serves
 *   requests under /api/v3/
 */

/** @param {InstanceSpec} spec */
async function startInstance(spec) {
	// Listen first: the issuer has to contain the port, and port 0 only resolves once bound.
	// Note: idle connections outlive the client's (undici keeps them 4 s), so a client never
	// reuses one the server is closing at that moment (ECONNRESET on a busy machine).
	const server = createServer({ keepAliveTimeout: 60_000 });
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(spec.port, spec.host, () => resolve(undefined));
	});
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	const origin = `http://${spec.host}:${port}`;
	const issuer = `${origin}${spec.mountPath}`;
	const clientId = `latchkey-${spec.name}`;
	const clientSecret = randomBytes(24).toString('base64url');

	const provider = new Provider(issuer, configuration(spec, clientId, clientSecret));
	// oidc-provider only reports unexpected failures through this event (and DEBUG logging).
	provider.on('server_error', (ctx, error) => {
		console.error(`${spec.label}: ${ctx.method} ${ctx.path} failed:`, error);
	});
	/** @type {Set<(grantType: string) => void>} */
	const outageListeners = new Set();
	applyFaults(provider, spec.faults, (grantType) => outageListeners.forEach((l) => l(grantType)));
	server.on('request', router(provider, spec));

	return {
		name: spec.name,
		provider,
		outageListeners,
		origin,
		issuer,
		clientId,
		clientSecret,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve(undefined));
				// Browsers keep connections alive; don't wait for them to time out.
				server.closeAllConnections();
			})
	};
}

/**
 * Reports each token endpoint request of `provider` to `listener`, from oidc-provider's events:
 * `grant.success` after a grant type handler set the token response, `grant.error` for an error
 * response, and `server_error` for an unexpected failure (which skips `grant.error`); and each
 * request a simulated outage turned away, as `temporarily_unavailable`.
 * @param {{ provider: Provider, name: 'google' | 'github', outageListeners: Set<(grantType: string) => void> }} instance
 * @param {(event: TokenEndpointEvent) => void} listener
 * @returns {() => void} removes the listener
 */
function onTokenEndpoint({ provider, name, outageListeners }, listener) {
	/** @param {import('oidc-provider').KoaContextWithOIDC} ctx */
	const grantType = (ctx) => {
		const value = ctx.oidc.params?.grant_type ?? ctx.oidc.body?.grant_type;
		return typeof value === 'string' ? value : '';
	};
	/** @param {import('oidc-provider').KoaContextWithOIDC} ctx */
	const login = (ctx) => ctx.oidc.account?.accountId;
	/** @param {import('oidc-provider').KoaContextWithOIDC} ctx */
	const success = (ctx) =>
		listener({
			provider: name,
			grantType: grantType(ctx),
			login: login(ctx),
			ok: true,
			body: { .../** @type {Record<string, unknown>} */ (ctx.body) }
		});
	/** @param {import('oidc-provider').KoaContextWithOIDC} ctx @param {Error} error */
	const failure = (ctx, error) =>
		listener({
			provider: name,
			grantType: grantType(ctx),
			login: login(ctx),
			ok: false,
			error: error.message
		});
	/** @param {import('oidc-provider').KoaContextWithOIDC} ctx */
	const serverError = (ctx) => {
		if (ctx.oidc?.route !== 'token') return;
		listener({ provider: name, grantType: grantType(ctx), ok: false, error: 'server_error' });
	};
	/** @param {string} grantType */
	const outage = (grantType) =>
		listener({ provider: name, grantType, ok: false, error: 'temporarily_unavailable' });
	provider.on('grant.success', success);
	provider.on('grant.error', failure);
	provider.on('server_error', serverError);
	outageListeners.add(outage);
	return () => {
		provider.off('grant.success', success);
		provider.off('grant.error', failure);
		provider.off('server_error', serverError);
		outageListeners.delete(outage);
	};
}

/**
 * @param {InstanceSpec} spec
 * @param {string} clientId
 * @param {string} clientSecret
 * @returns {import('oidc-provider').Configuration}
 */
function configuration(spec, clientId, clientSecret) {
	const { rotateRefreshToken, accessTokenTtl } = faultConfiguration(
		spec.faults,
		spec.accessTokenTtl
	);
	return {
		adapter: createMemoryAdapter(),
		clients: [
			{
				client_id: clientId,
				client_secret: clientSecret,
				client_name: 'Latchkey',
				redirect_uris: spec.appOrigins.map((origin) => `${origin}/auth/callback/${spec.name}`),
				grant_types: ['authorization_code', 'refresh_token'],
				response_types: ['code'],
				// What Auth.js sends unless told otherwise.
				token_endpoint_auth_method: 'client_secret_basic'
			}
		],
		// A fresh key per start: nothing on disk, and every token dies with the process anyway.
		jwks: { keys: [signingKey()] },
		findAccount,
		// Only the authorization code flow; Auth.js uses nothing else.
		responseTypes: ['code'],
		scopes: spec.scopes,
		claims: spec.claims,
		// Put the profile claims into the ID token, as Google does; Auth.js reads them from there.
		conformIdTokenClaims: false,
		clockTolerance: 0,
		pkce: { required: () => true },
		// Like Google with access_type=offline and a GitHub app with expiring tokens: always hand
		// out a refresh token, and rotate it on use (unless `faults.keepRefreshToken`). Reusing a
		// rotated one revokes the whole grant.
		issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
		rotateRefreshToken,
		// Tokens outlive the IdP's browser session, so switching users here doesn't revoke them.
		expiresWithSession: async () => false,
		routes: spec.routes,
		ttl: {
			AccessToken: accessTokenTtl,
			AuthorizationCode: 60,
			IdToken: 60 * 60,
			Interaction: 60 * 60,
			RefreshToken: 14 * DAY,
			Grant: 14 * DAY,
			Session: 14 * DAY
		},
		// Both IdPs (and the app) share the 127.0.0.1 cookie jar: cookies ignore ports.
		cookies: {
			names: {
				session: `${spec.name}_idp_session`,
				interaction: `${spec.name}_idp_interaction`,
				resume: `${spec.name}_idp_resume`
			},
			keys: [randomBytes(32)],
			long: { signed: true },
			short: { signed: true }
		},
		features: {
			devInteractions: { enabled: false },
			revocation: {
				enabled: true,
				allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId
			},
			// Neither Google nor GitHub supports these, and they would only add untested paths.
			resourceIndicators: { enabled: false },
			rpInitiatedLogout: { enabled: false }
		},
		interactions: {
			policy: loginEveryTime(),
			url: (_ctx, interaction) => `${INTERACTION_PATH}${interaction.uid}`
		},
		renderError: (ctx, out) => {
			ctx.type = 'html';
			ctx.body = errorPage(spec.label, { ...out });
		}
	};
}

/**
 * oidc-provider's default prompts, plus one rule: ask for a username on every authorization
 * request, even when this browser already signed in. Real providers would sign the user straight
 * back in; here that would make switching users impossible and automated flows order-dependent.
 */
function loginEveryTime() {
	const policy = interactionPolicy.base();
	policy
		.get('login')
		?.checks.add(
			new interactionPolicy.Check(
				'local_idp_login',
				'the local IdP asks for a username on every sign-in',
				(ctx) => !ctx.oidc.result?.login
			)
		);
	return policy;
}

function signingKey() {
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	return { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' };
}

/**
 * @param {Provider} provider
 * @param {InstanceSpec} spec
 * @returns {(req: Request, res: Response) => void}
 */
function router(provider, { label, mountPath, api }) {
	const oidc = provider.callback();

	/** @param {Request} req @param {Response} res @param {string} pathname */
	async function dispatch(req, res, pathname) {
		if (pathname.startsWith(INTERACTION_PATH)) return handleInteraction(provider, label, req, res);
		if (api && pathname.startsWith(API_PREFIX)) return api(provider, req, res);
		if (pathname === mountPath || pathname.startsWith(`${mountPath}/`)) {
			if (mountPath) mount(req, mountPath);
			return oidc(req, res);
		}
		res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
		res.end(errorPage(label, { error: 'not_found' }));
	}

	return (req, res) => {
		const { pathname } = new URL(req.url ?? '/', 'http://idp.invalid');
		dispatch(req, res, pathname).catch((error) => {
			console.error(`${label}: ${req.method} ${pathname} failed:`, error);
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
			res.end(errorPage(label, { error: 'server_error' }));
		});
	};
}

/**
 * Strips the issuer's path off the request the way Express's `app.use(path, …)` does.
 * oidc-provider routes on the remainder and reads `originalUrl` to build its own URLs.
 * @param {Request} req
 * @param {string} mountPath
 */
function mount(req, mountPath) {
	const url = req.url ?? '/';
	const rest = url.slice(mountPath.length);
	Object.assign(req, { originalUrl: url, url: rest.startsWith('/') ? rest : `/${rest}` });
}
