// @ts-check

/** @typedef {import('oidc-provider').default} Provider */
/** @typedef {import('oidc-provider').KoaContextWithOIDC} Context */

/**
 * One token endpoint request: its grant type (`''` if the request had none), the login it was for
 * (when the grant got that far) and either the token response sent (`ok: true`) or the OAuth
 * error code sent, such as `invalid_grant` (`ok: false`).
 * (`error` and `body` are typed on both variants only so that either can be read before
 * narrowing; an event never has both.)
 * @typedef {{ provider: import('./faults.js').ProviderName, grantType: string, login?: string } & (
 *   | { ok: true, body: Record<string, unknown>, error?: undefined }
 *   | { ok: false, error: string, body?: undefined }
 * )} TokenEndpointEvent
 */

/**
 * The parts of a started instance that token endpoint events come from.
 * @typedef {object} EventSource
 * @property {Provider} provider
 * @property {import('./faults.js').ProviderName} name
 * @property {Set<(grantType: string) => void>} outageListeners called for each request a
 *   simulated outage turned away
 */

/**
 * Reports each token endpoint request of `provider` to `listener`, from oidc-provider's events:
 * `grant.success` after a grant type handler set the token response, `grant.error` for an error
 * response, and `server_error` for an unexpected failure (which skips `grant.error`); and each
 * request a simulated outage turned away, as `temporarily_unavailable`.
 * @param {EventSource} source
 * @param {(event: TokenEndpointEvent) => void} listener
 * @returns {() => void} removes the listener
 */
export function onTokenEndpoint({ provider, name, outageListeners }, listener) {
	const handlers = tokenEventHandlers(name, listener);
	provider.on('grant.success', handlers.success);
	provider.on('grant.error', handlers.failure);
	provider.on('server_error', handlers.serverError);
	outageListeners.add(handlers.outage);
	return () => {
		provider.off('grant.success', handlers.success);
		provider.off('grant.error', handlers.failure);
		provider.off('server_error', handlers.serverError);
		outageListeners.delete(handlers.outage);
	};
}

/**
 * oidc-provider event handlers that turn each event into a `TokenEndpointEvent` for `listener`.
 * @param {import('./faults.js').ProviderName} name
 * @param {(event: TokenEndpointEvent) => void} listener
 */
function tokenEventHandlers(name, listener) {
	return {
		/** @param {Context} ctx */
		success: (ctx) =>
			listener({
				provider: name,
				grantType: grantTypeOf(ctx),
				login: ctx.oidc.account?.accountId,
				ok: true,
				body: { .../** @type {Record<string, unknown>} */ (ctx.body) }
			}),
		/** @param {Context} ctx @param {Error} error */
		failure: (ctx, error) =>
			listener({
				provider: name,
				grantType: grantTypeOf(ctx),
				login: ctx.oidc.account?.accountId,
				ok: false,
				error: error.message
			}),
		/** @param {Context} ctx */
		serverError: (ctx) => {
			if (ctx.oidc?.route !== 'token') return;
			listener({ provider: name, grantType: grantTypeOf(ctx), ok: false, error: 'server_error' });
		},
		/** @param {string} grantType */
		outage: (grantType) =>
			listener({ provider: name, grantType, ok: false, error: 'temporarily_unavailable' })
	};
}

/** @param {Context} ctx */
function grantTypeOf(ctx) {
	const value = ctx.oidc.params?.grant_type ?? ctx.oidc.body?.grant_type;
	return typeof value === 'string' ? value : '';
}
