import type { ProviderId } from '$lib/auth/types';
import { PROVIDER_TIMEOUT_MS } from '$lib/timings';
import { readAccessToken } from '../tokens/access-token';
import { listSessionAccounts } from '../tokens/accounts';
import { ProviderUnavailableError } from '../tokens/errors';
import { providerEndpoints } from '../providers/endpoints';
import type { RequestClient } from '../http/request-client';
import { tokenServices } from '../config/services';
import { readTokenHistory, type TokenHistory } from './token-history';

export interface Connection {
	provider: ProviderId;
	/** Seconds since the epoch; null when the token does not expire. */
	expiresAt: number | null;
	rotatedAt: Date | null;
	/** Null when the token could not be read. */
	history: TokenHistory | null;
	/** What the provider's user endpoint says, called with the current access token. */
	profile: { name: string | null; email: string | null; login: string | null } | null;
	problem: string | null;
}

/**
 * Each linked provider's view of the user, fetched with a fresh access token. Throws
 * `RefreshTokenError` when a provider refused to refresh (the user must sign in again).
 */
export async function describeConnections(
	userId: string,
	client: RequestClient | null
): Promise<Connection[]> {
	const linked = await listSessionAccounts(userId);
	return Promise.all(linked.map(({ provider }) => describeConnection(userId, provider, client)));
}

async function describeConnection(
	userId: string,
	provider: ProviderId,
	client: RequestClient | null
): Promise<Connection> {
	let token;
	try {
		token = await readAccessToken(userId, provider, { client });
	} catch (error) {
		if (!(error instanceof ProviderUnavailableError)) throw error;
		const none = { expiresAt: null, rotatedAt: null, history: null, profile: null };
		return { provider, ...none, problem: `${error.message}. Try again in a moment.` };
	}
	const { expiresAt, rotatedAt } = token;
	const history = await readTokenHistory(userId, provider, rotatedAt);
	try {
		const profile = await fetchProviderProfile(provider, token.value);
		return { provider, expiresAt, rotatedAt, history, profile, problem: null };
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		return { provider, expiresAt, rotatedAt, history, profile: null, problem: reason };
	}
}

/**
 * Rotates the user's `provider` tokens now, fresh or not, through the same single-flight,
 * leased path as every other refresh, and returns the new access token's expiry.
 * Throws as `readAccessToken` does (`RefreshTokenError`, `ProviderUnavailableError`, …).
 */
export async function rotateConnectionTokens(
	userId: string,
	provider: ProviderId,
	client: RequestClient | null
): Promise<number | null> {
	const { expiresAt } = await readAccessToken(userId, provider, { force: true, client });
	return expiresAt;
}

async function fetchProviderProfile(provider: ProviderId, accessToken: string) {
	const settings = tokenServices().providers.find(({ id }) => id === provider);
	if (settings === undefined) throw new Error(`${provider} is no longer configured`);
	const { userUrl } = await providerEndpoints(settings);
	const response = await fetch(userUrl, {
		headers: { authorization: `Bearer ${accessToken}`, 'user-agent': 'latchkey' },
		signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS)
	});
	if (!response.ok) throw new Error(`The ${provider} API answered ${response.status}`);
	const body = (await response.json()) as Record<string, unknown>;
	const text = (value: unknown) => (typeof value === 'string' ? value : null);
	return { name: text(body.name), email: text(body.email), login: text(body.login ?? body.sub) };
}
