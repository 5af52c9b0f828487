// @ts-check
/**
 * Local stand-ins for Google, GitHub and a generic OIDC issuer (Keycloak, Okta, Entra ID…), for
 * development and tests only. Each is a real OAuth 2.0 / OpenID Connect authorization server
 * (oidc-provider) on its own port, where any username signs in, so the app's Auth.js code runs
 * exactly the same flows as in production.
 */
import { faultControls, noFaults } from './faults.js';
import { handleGithubApi } from './github-api.js';
import { startInstance } from './instance.js';
import { onTokenEndpoint } from './token-events.js';

/**
 * @typedef {object} IdpOptions
 * @property {string[]} appOrigins origins the app is served from, e.g. http://127.0.0.1:5173
 * @property {string} [host] address to listen on, also used in the issuer URLs; default 127.0.0.1
 * @property {number} googlePort 0 picks a free port
 * @property {number} githubPort 0 picks a free port
 * @property {number} [oidcPort] default 0: a free port
 * @property {number} [accessTokenTtl] access token lifetime in seconds; default 300
 * @property {{ [name in import('./faults.js').ProviderName]?: string }} [clientSecrets] the app
 *   client's secret at these instances, e.g. one with characters that need encoding (default:
 *   random, Base64url)
 */

/**
 * @typedef {object} Idp
 * @property {{ issuer: string, clientId: string, clientSecret: string }} google for Auth.js
 *   `Google({ issuer, clientId, clientSecret })`
 * @property {{ baseUrl: string, clientId: string, clientSecret: string }} github for Auth.js
 *   `GitHub({ enterprise: { baseUrl }, clientId, clientSecret })`
 * @property {{ issuer: string, clientId: string, clientSecret: string }} oidc for the app's generic
 *   OIDC provider (AUTH_OIDC_ISSUER, AUTH_OIDC_ID, AUTH_OIDC_SECRET)
 * @property {(listener: (event: TokenEndpointEvent) => void) => () => void} onTokenEndpoint calls
 *   `listener` once for each request to any instance's token endpoint, before the response is
 *   sent: tests use it to learn which tokens were issued (and must never reach a browser) and
 *   which grants failed. Returns a function that removes the listener.
 * @property {import('./faults.js').IdpFaults} faults the token endpoints' fault knobs (latency,
 *   outage, keeping refresh tokens, per-login access-token lifetimes, Basic credentials compared
 *   without form-decoding), all off at start
 * @property {() => Promise<void>} close stops the three servers
 */

/** @typedef {import('./token-events.js').TokenEndpointEvent} TokenEndpointEvent */

/**
 * What makes an instance Google-, GitHub- or OIDC-issuer-like, whatever its port and knobs.
 * @typedef {Omit<import('./instance.js').InstanceSpec, 'host' | 'port' | 'appOrigins' | 'accessTokenTtl' | 'faults'>} InstanceShape
 */

/** @type {InstanceShape} An OIDC issuer at the server's root, releasing profile claims. */
const GOOGLE = {
	name: 'google',
	label: 'Local Google',
	mountPath: '',
	scopes: ['openid', 'offline_access', 'email', 'profile'],
	claims: { email: ['email', 'email_verified'], profile: ['name', 'picture'] },
	refreshTokens: 'always',
	profileInIdToken: true
};

/**
 * @type {InstanceShape} Auth.js's GitHub provider expects GitHub Enterprise's layout: OAuth
 * endpoints under /login/oauth (which is also the issuer it checks `iss` against) and the REST
 * API under /api/v3.
 */
const GITHUB = {
	name: 'github',
	label: 'Local GitHub',
	mountPath: '/login/oauth',
	routes: { authorization: '/authorize', token: '/access_token' },
	scopes: ['read:user', 'user:email'],
	refreshTokens: 'always',
	profileInIdToken: false,
	api: handleGithubApi
};

/**
 * @type {InstanceShape} A generic OIDC issuer under a path, as Keycloak (/realms/…), Okta
 * (/oauth2/default) and Entra ID (/{tenant}/v2.0) have theirs. It is as strict as the spec: a
 * refresh token only for the `offline_access` scope, which counts only with `prompt=consent`
 * (OIDC Core §11), and the profile claims only at the userinfo endpoint, as Okta releases them
 * when an access token is issued too.
 */
const OIDC = {
	name: 'oidc',
	label: 'Local OIDC',
	mountPath: '/oidc',
	scopes: ['openid', 'offline_access', 'email', 'profile'],
	claims: {
		email: ['email', 'email_verified'],
		profile: ['name', 'preferred_username', 'picture']
	},
	refreshTokens: 'offline_access',
	profileInIdToken: false
};

/**
 * Starts the Google-, GitHub- and OIDC-issuer-shaped IdPs, each with one confidential client
 * registered for the app's Auth.js callbacks (`${origin}/auth/callback/google`, `…/github` and
 * `…/oidc`).
 * @param {IdpOptions} options
 * @returns {Promise<Idp>}
 */
export async function startIdp({
	appOrigins,
	host = '127.0.0.1',
	googlePort,
	githubPort,
	oidcPort = 0,
	accessTokenTtl = 300,
	clientSecrets = {}
}) {
	const faults = { google: noFaults(), github: noFaults(), oidc: noFaults() };
	/** @type {Awaited<ReturnType<typeof startInstance>>[]} */
	const started = [];
	/** @param {InstanceShape} shape @param {number} port */
	const start = async (shape, port) => {
		const knobs = faults[shape.name];
		const instance = await startInstance({
			...shape,
			host,
			port,
			appOrigins,
			accessTokenTtl,
			faults: knobs,
			clientSecret: clientSecrets[shape.name]
		}).catch(async (error) => {
			await Promise.all(started.map((other) => other.close()));
			throw error;
		});
		started.push(instance);
		return instance;
	};
	const google = await start(GOOGLE, googlePort);
	const github = await start(GITHUB, githubPort);
	const oidc = await start(OIDC, oidcPort);

	return {
		google: { issuer: google.issuer, clientId: google.clientId, clientSecret: google.clientSecret },
		github: {
			baseUrl: github.origin,
			clientId: github.clientId,
			clientSecret: github.clientSecret
		},
		oidc: { issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret },
		onTokenEndpoint: (listener) => {
			const unsubscribes = started.map((instance) => onTokenEndpoint(instance, listener));
			return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
		},
		faults: faultControls(faults),
		close: async () => {
			await Promise.all(started.map((instance) => instance.close()));
		}
	};
}
