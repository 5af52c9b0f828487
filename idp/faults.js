// @ts-check
/**
 * Fault knobs for the local IdPs' token endpoints, for tests, benchmarks and demos: added
 * latency, an outage, a Google-like mode that keeps the refresh token, access-token lifetimes
 * per login, and client credentials compared without form-decoding. Each instance has its own settings, all off unless set, and they take effect on the
 * next request.
 */
import { normalizeLogin } from './accounts.js';

/** @typedef {import('oidc-provider').default} Provider */
/** @typedef {'google' | 'github' | 'oidc'} ProviderName */

/**
 * One instance's knobs.
 * @typedef {object} TokenFaults
 * @property {number} latencyMs added before the token endpoint reads a request, as a slow network
 *   path would: a client that hangs up meanwhile (it crashed, or gave up) never reaches the
 *   provider, so its refresh token stays unspent
 * @property {number} answerDelayMs added after the token endpoint handled a request and before
 *   its answer is sent (a late answer: the grant is used at once, so a client that gives up
 *   meanwhile has spent its refresh token without learning the new one)
 * @property {boolean} outage the token endpoint answers 503 `temporarily_unavailable`
 * @property {boolean} keepRefreshToken like Google: a refresh_token grant leaves the refresh token
 *   valid and reusable, and the response has no `refresh_token` field
 * @property {Record<string, number>} accessTokenTtlByLogin access-token lifetime in seconds for
 *   these logins (any case); other logins get the instance's default
 * @property {boolean} strictBasicAuth like LemonLDAP::NG 2.16: the token and revocation endpoints
 *   compare HTTP Basic credentials as sent, without the form-decoding of RFC 6749 §2.3.1, so a
 *   secret holding `+ / = %` or a space never matches over Basic (the form body still works)
 */

/** @typedef {{ [name in ProviderName]?: Partial<TokenFaults> }} FaultSettings */

/**
 * @typedef {object} IdpFaults
 * @property {(settings: FaultSettings) => void} set changes the given knobs of the given
 *   instances, e.g. `set({ github: { latencyMs: 1000 } })`; the others keep their values
 * @property {() => { [name in ProviderName]: TokenFaults }} get a copy of the current knobs
 * @property {() => void} reset turns every knob off again
 */

/** @returns {TokenFaults} */
export function noFaults() {
	return {
		latencyMs: 0,
		answerDelayMs: 0,
		outage: false,
		keepRefreshToken: false,
		accessTokenTtlByLogin: {},
		strictBasicAuth: false
	};
}

/**
 * The `Idp.faults` controls over the instances' live knobs.
 * @param {{ [name in ProviderName]: TokenFaults }} instances mutated in place
 * @returns {IdpFaults}
 */
export function faultControls(instances) {
	return {
		set: (settings) => {
			for (const [name, changes] of Object.entries(settings)) {
				const faults = instances[/** @type {ProviderName} */ (name)];
				if (faults === undefined) throw new Error(`No local IdP named ${JSON.stringify(name)}`);
				Object.assign(faults, structuredClone(changes));
			}
		},
		get: () => structuredClone(instances),
		reset: () => {
			for (const faults of Object.values(instances)) Object.assign(faults, noFaults());
		}
	};
}

/**
 * The parts of an instance's oidc-provider configuration that the knobs decide: whether a
 * refresh rotates, and each access token's lifetime (asked once per token, keyed by login).
 * @param {TokenFaults} faults
 * @param {number} defaultTtl seconds
 * @returns {Pick<import('oidc-provider').Configuration, 'rotateRefreshToken'> & { accessTokenTtl: (ctx: unknown, token: import('oidc-provider').AccessToken) => number }}
 */
export function faultConfiguration(faults, defaultTtl) {
	return {
		rotateRefreshToken: () => !faults.keepRefreshToken,
		accessTokenTtl: (_ctx, token) => {
			const ttls = Object.entries(faults.accessTokenTtlByLogin);
			const match = ttls.find(([login]) => normalizeLogin(login) === token.accountId);
			return match?.[1] ?? defaultTtl;
		}
	};
}

/**
 * Adds the request-time knobs to an instance, in front of its routes: latency, late answers and
 * outage on the token endpoint, and dropping `refresh_token` from refresh responses when it is
 * kept.
 * @param {Provider} provider
 * @param {TokenFaults} faults
 * @param {(grantType: string) => void} onOutage told of each token request turned away
 */
export function applyFaults(provider, faults, onOutage) {
	const tokenPath = provider.pathFor('token', { mountPath: '' });
	const revocationPath = provider.pathFor('revocation', { mountPath: '' });
	provider.use(async (ctx, next) => {
		const guarded = ctx.path === tokenPath || ctx.path === revocationPath;
		if (!faults.strictBasicAuth || !guarded || ctx.method !== 'POST') return next();
		return compareBasicAsSent(provider, ctx, next);
	});
	provider.use(async (ctx, next) => {
		if (ctx.path !== tokenPath || ctx.method !== 'POST') return next();
		if (faults.latencyMs > 0) {
			await pause(faults.latencyMs);
			// The request never reached the provider: nobody is left to answer.
			if (ctx.req.socket.destroyed) return;
		}
		if (!faults.outage) {
			// Note: Koa sends the body once every middleware has returned, so this holds the answer
			// of a grant that was already used.
			await next();
			if (faults.answerDelayMs > 0) await pause(faults.answerDelayMs);
			return;
		}
		onOutage(await grantTypeOf(ctx.req));
		ctx.status = 503;
		ctx.set('retry-after', '1');
		ctx.body = {
			error: 'temporarily_unavailable',
			error_description: 'the local IdP simulates an outage'
		};
	});
	// Note: a listener, not middleware after `next()`: `grant.success` is emitted once the body is
	// set and before it is sent, and this listener is registered before any `onTokenEndpoint` one,
	// so those see the body as sent.
	provider.on('grant.success', (ctx) => {
		const body = /** @type {Record<string, unknown>} */ (ctx.body);
		if (faults.keepRefreshToken && ctx.oidc.params?.grant_type === 'refresh_token') {
			delete body.refresh_token;
		}
	});
}

/** @param {number} ms */
function pause(ms) {
	return new Promise((done) => setTimeout(done, ms));
}

/**
 * `strictBasicAuth`: checks HTTP Basic credentials the way a provider that skips RFC 6749's
 * form-decoding does, comparing the decoded Base64 as it is with the registered client. A match
 * goes on to oidc-provider (which does decode) with the credentials re-encoded as it expects;
 * anything else is refused as `invalid_client`, as LemonLDAP::NG answers "Wrong credentials".
 * @param {Provider} provider
 * @param {Parameters<Parameters<Provider['use']>[0]>[0]} ctx
 * @param {() => Promise<void>} next
 */
async function compareBasicAsSent(provider, ctx, next) {
	const basic = /^Basic (\S+)$/i.exec(ctx.get('authorization'))?.[1];
	if (basic === undefined) return next();
	const credentials = Buffer.from(basic, 'base64').toString('utf8');
	const colon = credentials.indexOf(':');
	const [id, secret] = [credentials.slice(0, colon), credentials.slice(colon + 1)];
	const client = colon > 0 ? await provider.Client.find(id) : undefined;
	if (client === undefined || client.clientSecret !== secret) {
		ctx.status = 401;
		ctx.set('www-authenticate', 'Basic realm="local IdP", error="invalid_client"');
		ctx.body = { error: 'invalid_client', error_description: 'wrong client credentials' };
		return;
	}
	const encode = (/** @type {string} */ value) => encodeURIComponent(value).replace(/%20/g, '+');
	ctx.req.headers.authorization = `Basic ${btoa(`${encode(id)}:${encode(secret)}`)}`;
	return next();
}

/**
 * The grant_type of a token request that oidc-provider will not parse (it is turned away first).
 * @param {import('node:http').IncomingMessage} req
 */
async function grantTypeOf(req) {
	let form = '';
	for await (const chunk of req) form += chunk;
	return new URLSearchParams(form).get('grant_type') ?? '';
}
