// @ts-check
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { findAccount } from './accounts.js';
import { faultConfiguration } from './faults.js';
import { interactionSettings } from './interactions.js';
import { createMemoryAdapter } from './memory-adapter.js';
import { errorPage } from './pages.js';

/** @typedef {import('./instance.js').InstanceSpec} InstanceSpec */

const DAY = 24 * 60 * 60;

/**
 * The oidc-provider configuration of one local IdP instance: one confidential client for the
 * app, the authorization code flow with PKCE only, refresh tokens that rotate (unless a fault
 * knob says otherwise), and a username prompt on every sign-in (`interactionSettings`). The
 * instance's shape decides when refresh tokens are issued and where the profile claims go.
 * @param {InstanceSpec} spec
 * @param {string} clientId
 * @param {string} clientSecret
 * @returns {import('oidc-provider').Configuration}
 */
export function configuration(spec, clientId, clientSecret) {
	const { rotateRefreshToken, accessTokenTtl } = faultConfiguration(
		spec.faults,
		spec.accessTokenTtl
	);
	return {
		adapter: createMemoryAdapter(),
		clients: [appClient(spec, clientId, clientSecret)],
		// A fresh key per start: nothing on disk, and every token dies with the process anyway.
		jwks: { keys: [signingKey()] },
		findAccount,
		// Only the authorization code flow; Auth.js uses nothing else.
		responseTypes: ['code'],
		scopes: spec.scopes,
		claims: spec.claims,
		// Google puts the profile claims into the ID token, and Auth.js reads them from there;
		// an issuer that conforms keeps them for the userinfo endpoint.
		conformIdTokenClaims: !spec.profileInIdToken,
		clockTolerance: 0,
		pkce: { required: () => true },
		// Like Google with access_type=offline and a GitHub app with expiring tokens, hand out a
		// refresh token every time, or, like a strict OIDC issuer, only for offline_access. Either
		// rotates it on use (unless `faults.keepRefreshToken`): reusing a rotated one revokes the
		// whole grant.
		issueRefreshToken: async (_ctx, client, source) =>
			client.grantTypeAllowed('refresh_token') &&
			(spec.refreshTokens === 'always' || source.scopes.has('offline_access')),
		rotateRefreshToken,
		// Tokens outlive the IdP's browser session, so switching users here doesn't revoke them.
		expiresWithSession: async () => false,
		routes: spec.routes,
		ttl: lifetimes(accessTokenTtl),
		cookies: cookies(spec.name),
		features: FEATURES,
		interactions: interactionSettings(),
		renderError: (ctx, out) => {
			ctx.type = 'html';
			ctx.body = errorPage(spec.label, { ...out });
		}
	};
}

/** @type {import('oidc-provider').Configuration['features']} */
const FEATURES = {
	devInteractions: { enabled: false },
	revocation: {
		enabled: true,
		allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId
	},
	// Neither Google nor GitHub supports these, and they would only add untested paths.
	resourceIndicators: { enabled: false },
	rpInitiatedLogout: { enabled: false }
};

/**
 * The app, registered for its Auth.js callback on each of its origins.
 * @param {InstanceSpec} spec
 * @param {string} clientId
 * @param {string} clientSecret
 * @returns {import('oidc-provider').ClientMetadata}
 */
function appClient(spec, clientId, clientSecret) {
	return {
		client_id: clientId,
		client_secret: clientSecret,
		client_name: 'Latchkey',
		redirect_uris: spec.appOrigins.map((origin) => `${origin}/auth/callback/${spec.name}`),
		grant_types: ['authorization_code', 'refresh_token'],
		response_types: ['code'],
		// What Auth.js sends unless told otherwise.
		token_endpoint_auth_method: 'client_secret_basic'
	};
}

/**
 * @param {ReturnType<typeof faultConfiguration>['accessTokenTtl']} accessTokenTtl
 * @returns {import('oidc-provider').Configuration['ttl']}
 */
function lifetimes(accessTokenTtl) {
	return {
		AccessToken: accessTokenTtl,
		AuthorizationCode: 60,
		IdToken: 60 * 60,
		Interaction: 60 * 60,
		RefreshToken: 14 * DAY,
		Grant: 14 * DAY,
		Session: 14 * DAY
	};
}

/**
 * The IdPs (and the app) share the 127.0.0.1 cookie jar, since cookies ignore ports: each
 * instance names its cookies after itself.
 * @param {InstanceSpec['name']} name
 * @returns {import('oidc-provider').Configuration['cookies']}
 */
function cookies(name) {
	return {
		names: {
			session: `${name}_idp_session`,
			interaction: `${name}_idp_interaction`,
			resume: `${name}_idp_resume`
		},
		keys: [randomBytes(32)],
		long: { signed: true },
		short: { signed: true }
	};
}

function signingKey() {
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	return { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' };
}
