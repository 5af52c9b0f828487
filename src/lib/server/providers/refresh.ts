import * as o from 'oauth4webapi';
import { insecureIfHttp, providerEndpoints } from './endpoints';
import type { ProviderSettings } from './settings';

export interface IssuedTokens {
	accessToken: string;
	/** Absent when the provider keeps the old refresh token valid (Google usually does). */
	refreshToken: string | undefined;
	idToken: string | undefined;
	/** Seconds since the epoch, or null when the provider gives no lifetime. */
	expiresAt: number | null;
	scope: string | undefined;
	tokenType: string;
}

/** What became of the refresh token when no tokens came back. */
type RefreshFate =
	/** The provider refused it for good (invalid_grant, revoked, expired). */
	| 'refused'
	/**
	 * Not used: it was never sent (discovery failed, connection refused), or the provider answered
	 * 5xx, which per RFC 6749 §5.2 means it did not fulfil the request. Safe to send again later.
	 */
	| 'unspent'
	/**
	 * Sent, and no usable answer came (connection lost, the hard limit, an answer that fails
	 * validation): the provider may have rotated it.
	 */
	| 'unknown';

export type RefreshResult =
	{ ok: true; tokens: IssuedTokens } | { ok: false; fate: RefreshFate; reason: string };

// Errors of a connection that never opened: the request was not sent.
const NOT_SENT = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'UND_ERR_CONNECT_TIMEOUT'
]);

/**
 * Sends one refresh_token grant to the provider's token endpoint, authenticated as the
 * configured client, waiting for the answer up to `timeoutMs` (the refresh's hard limit, not a
 * request's wait), and classifies the outcome, telling an unspent token from one whose fate is
 * unknown. Never throws.
 */
export async function refreshAtProvider(
	settings: ProviderSettings,
	refreshToken: string,
	timeoutMs: number,
	now = Date.now
): Promise<RefreshResult> {
	const signal = AbortSignal.timeout(timeoutMs);
	let sent = false;
	try {
		const { as, client, clientAuth } = await providerEndpoints(settings, signal);
		sent = true;
		const response = await o.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, {
			signal,
			...insecureIfHttp(as.token_endpoint!)
		});
		// Note: per RFC 6749 §5.2 a 5xx (server_error, temporarily_unavailable) fulfilled nothing.
		if (response.status >= 500) {
			return { ok: false, fate: 'unspent', reason: `HTTP ${response.status}` };
		}
		// GitHub answers a refused refresh with HTTP 200 and an `error` field.
		const body: unknown = await response
			.clone()
			.json()
			.catch(() => null);
		if (response.ok && isErrorBody(body)) return rejected(body.error);

		const tokens = await o.processRefreshTokenResponse(as, client, response);
		return {
			ok: true,
			tokens: {
				accessToken: tokens.access_token,
				refreshToken: tokens.refresh_token,
				idToken: tokens.id_token,
				expiresAt:
					tokens.expires_in === undefined ? null : Math.floor(now() / 1000) + tokens.expires_in,
				scope: tokens.scope,
				tokenType: tokens.token_type
			}
		};
	} catch (error) {
		if (error instanceof o.ResponseBodyError && error.status < 500) return rejected(error.error);
		if (error instanceof o.WWWAuthenticateChallengeError) return rejected('invalid_client');
		const unspent = !sent || NOT_SENT.has(causeCode(error)) || isRefusedByFetch(error);
		return { ok: false, fate: unspent ? 'unspent' : 'unknown', reason: describe(error) };
	}
}

function rejected(reason: string): RefreshResult {
	return { ok: false, fate: 'refused', reason };
}

/**
 * Fetch's own refusals (a blocked port, a bad URL) come before any connection: a TypeError whose
 * cause has no socket error code. A lost connection has one (ECONNRESET, UND_ERR_SOCKET).
 */
function isRefusedByFetch(error: unknown): boolean {
	return error instanceof TypeError && error.cause instanceof Error && causeCode(error) === '';
}

/** The first error code down the cause chain (fetch wraps the socket's error in its own). */
function causeCode(error: unknown): string {
	for (let cause = error; cause instanceof Error; cause = cause.cause) {
		const code = Reflect.get(cause, 'code');
		if (typeof code === 'string' && code !== '') return code;
	}
	return '';
}

function isErrorBody(body: unknown): body is { error: string } {
	return (
		typeof body === 'object' && body !== null && typeof Reflect.get(body, 'error') === 'string'
	);
}

function describe(error: unknown): string {
	if (error instanceof o.ResponseBodyError) return `HTTP ${error.status}`;
	if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
	if (error instanceof Error && error.cause instanceof Error) return error.cause.message;
	return error instanceof Error ? error.message : String(error);
}
