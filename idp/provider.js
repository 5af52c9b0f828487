// @ts-check
/**
 * Local stand-ins for Google and GitHub, for development and tests only. Each is a real OAuth 2.0
 * / OpenID Connect authorization server (oidc-provider) on its own port, where any username signs
 * in, so the app's Auth.js code runs exactly the same flows as in production.
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

/** @typedef {import('./token-events.js').TokenEndpointEvent} TokenEndpointEvent */

/**
 * What makes an instance Google- or GitHub-like, whatever its port and knobs.
 * @typedef {Omit<import('./instance.js').InstanceSpec, 'host' | 'port' | 'appOrigins' | 'accessTokenTtl' | 'faults'>} InstanceShape
 */

/** @type {InstanceShape} An OIDC issuer at the server's root, releasing profile claims. */
const GOOGLE = {
	name: 'google',
	label: 'Local Google',
	mountPath: '',
	scopes: ['openid', 'offline_access', 'email', 'profile'],
	claims: { email: ['email', 'email_verified'], profile: ['name', 'picture'] }
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
	api: handleGithubApi
};

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
	/** @param {InstanceShape} shape @param {number} port @param {import('./faults.js').TokenFaults} knobs */
	const start = (shape, port, knobs) =>
		startInstance({ ...shape, host, port, appOrigins, accessTokenTtl, faults: knobs });
	const google = await start(GOOGLE, googlePort, faults.google);
	const github = await start(GITHUB, githubPort, faults.github).catch(async (error) => {
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
