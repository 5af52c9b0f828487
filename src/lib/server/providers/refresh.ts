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

export type RefreshResult =
	| { ok: true; tokens: IssuedTokens }
	/** The provider refused the refresh token for good (invalid_grant, revoked, expired). */
	| { ok: false; definitive: true; reason: string }
	/** Network error, timeout or 5xx: worth trying again later. */
	| { ok: false; definitive: false; reason: string };

/**
 * Sends one refresh_token grant to the provider's token endpoint, authenticated as the
 * configured client, and classifies the outcome. Never throws.
 */
export async function refreshAtProvider(
	settings: ProviderSettings,
	refreshToken: string,
	timeoutMs: number,
	now = Date.now
): Promise<RefreshResult> {
	const signal = AbortSignal.timeout(timeoutMs);
	try {
		const { as, client, clientAuth } = await providerEndpoints(settings, signal);
		const response = await o.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, {
			signal,
			...insecureIfHttp(as.token_endpoint!)
		});
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
		return { ok: false, definitive: false, reason: describe(error) };
	}
}

function rejected(reason: string): RefreshResult {
	return { ok: false, definitive: true, reason };
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
