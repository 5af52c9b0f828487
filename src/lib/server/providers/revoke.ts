import * as o from 'oauth4webapi';
import { githubUrls, insecureIfHttp, providerEndpoints } from './endpoints';
import type { ProviderSettings } from './settings';

export interface RevocableTokens {
	accessToken: string | null;
	refreshToken: string | null;
}

/**
 * Asks the provider to revoke a grant, best-effort: true when it confirmed, false when it has
 * no revocation endpoint, refused, failed or took longer than `timeoutMs`. Never throws.
 * - GitHub: its token deletion API, `DELETE /applications/{client_id}/token`.
 * - OIDC providers (Google, the local IdP): RFC 7009 at the discovered `revocation_endpoint`,
 *   with the refresh token when there is one, which ends the whole grant.
 */
export async function revokeAtProvider(
	settings: ProviderSettings,
	tokens: RevocableTokens,
	timeoutMs: number
): Promise<boolean> {
	const signal = AbortSignal.timeout(timeoutMs);
	try {
		if (settings.id === 'github') return await deleteGithubToken(settings, tokens, signal);
		const token = tokens.refreshToken ?? tokens.accessToken;
		const { as, client, clientAuth } = await providerEndpoints(settings, signal);
		if (token === null || as.revocation_endpoint === undefined) return false;
		const response = await o.revocationRequest(as, client, clientAuth, token, {
			signal,
			...insecureIfHttp(as.revocation_endpoint)
		});
		await o.processRevocationResponse(response);
		return true;
	} catch {
		return false;
	}
}

async function deleteGithubToken(
	settings: ProviderSettings,
	{ accessToken }: RevocableTokens,
	signal: AbortSignal
): Promise<boolean> {
	if (accessToken === null) return false;
	const { apiUrl } = githubUrls(settings.endpoint);
	// Note: a REST API call, not an OAuth endpoint: GitHub's docs ask for plain HTTP Basic
	// (RFC 7617) with the client id and secret, without OAuth's form-encoding.
	const credentials = btoa(`${settings.clientId}:${settings.clientSecret}`);
	const response = await fetch(`${apiUrl}/applications/${settings.clientId}/token`, {
		method: 'DELETE',
		signal,
		headers: {
			authorization: `Basic ${credentials}`,
			accept: 'application/vnd.github+json',
			'content-type': 'application/json'
		},
		body: JSON.stringify({ access_token: accessToken })
	});
	return response.status === 204;
}
