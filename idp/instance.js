// @ts-check
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { configuration } from './configuration.js';
import { applyFaults } from './faults.js';
import { API_PREFIX } from './github-api.js';
import { INTERACTION_PATH, handleInteraction } from './interactions.js';
import { errorPage } from './pages.js';

/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */
/** @typedef {import('node:http').Server} Server */

/**
 * @typedef {object} InstanceSpec
 * @property {import('./faults.js').ProviderName} name names the client, its callback and the
 *   cookies
 * @property {string} label page heading and log prefix
 * @property {string} host
 * @property {number} port
 * @property {string} mountPath path of the issuer on the server, '' for the root
 * @property {Record<string, string>} [routes] endpoint paths relative to the issuer
 * @property {string[]} appOrigins
 * @property {number} accessTokenTtl the default; `faults` can set it per login
 * @property {import('./faults.js').TokenFaults} faults this instance's live knobs
 * @property {string} [clientSecret] the app client's secret (default: a new random one)
 * @property {string[]} scopes
 * @property {Record<string, string[]>} [claims] claims released per scope
 * @property {'always' | 'offline_access'} refreshTokens a refresh token with every grant (as
 *   Google with access_type=offline, and GitHub apps), or only with the `offline_access` scope
 * @property {boolean} profileInIdToken the profile claims go into the ID token too (as Google
 *   does), not only to the userinfo endpoint
 * @property {(provider: Provider, req: Request, res: Response) => Promise<void>} [api] serves
 *   requests under /api/v3/
 */

/**
 * Starts one IdP instance: an oidc-provider authorization server with the app as its client,
 * listening on its own port, with its fault knobs in front of its routes.
 * @param {InstanceSpec} spec
 */
export async function startInstance(spec) {
	// Note: idle connections outlive the client's (undici keeps them 4 s), so a client never
	// reuses one the server is closing at that moment (ECONNRESET on a busy machine).
	const server = createServer({ keepAliveTimeout: 60_000 });
	// Listen first: the issuer has to contain the port, and port 0 only resolves once bound.
	const origin = `http://${spec.host}:${await listen(server, spec.port, spec.host)}`;
	const issuer = `${origin}${spec.mountPath}`;
	const clientId = `latchkey-${spec.name}`;
	const clientSecret = spec.clientSecret ?? randomBytes(24).toString('base64url');

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
		close: () => close(server)
	};
}

/**
 * @param {Server} server
 * @param {number} port 0 picks a free port
 * @param {string} host
 * @returns {Promise<number>} the port it listens on
 */
async function listen(server, port, host) {
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(undefined));
	});
	return /** @type {import('node:net').AddressInfo} */ (server.address()).port;
}

/** @param {Server} server */
function close(server) {
	return new Promise((resolve) => {
		server.close(() => resolve(undefined));
		// Browsers keep connections alive; don't wait for them to time out.
		server.closeAllConnections();
	});
}

/**
 * Sends each request to the interaction pages, the GitHub-like API or oidc-provider itself.
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
