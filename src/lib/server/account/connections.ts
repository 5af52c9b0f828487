import { isProviderId, type ProviderId } from '$lib/auth/types';
import { PROVIDER_TIMEOUT_MS } from '$lib/timings';
import { readAccessToken, type TokenReader } from '../tokens/access-token';
import { findAccount, listSessionAccounts } from '../tokens/accounts';
import {
	AccountNotLinkedError,
	LostTokensError,
	NoStoredTokensError,
	ProviderUnavailableError,
	RefreshTokenError,
	UnreadableTokensError
} from '../tokens/errors';
import { providerEndpoints } from '../providers/endpoints';
import { labelProvider } from '../providers/labels';
import type { RequestClient } from '../http/request-client';
import type { AccountLimits } from '../http/account-limits';
import type { Database } from '../db';
import type { ProviderSettings } from '../providers/settings';
import { readTokenHistory, type TokenHistory } from './token-history';

export interface Connection {
	provider: ProviderId;
	/** What the page calls the provider (its configured name). */
	name: string;
	/** Seconds since the epoch; null when the token does not expire. */
	expiresAt: number | null;
	rotatedAt: Date | null;
	/** Null when the token could not be read. */
	history: TokenHistory | null;
	/** What the provider's user endpoint says, called with the current access token. */
	profile: { name: string | null; email: string | null; login: string | null } | null;
	problem: string | null;
	/**
	 * True when no usable tokens are stored (forgotten at sign-out, or sealed under a removed
	 * secret): signing in with it reconnects.
	 */
	reconnect: boolean;
}

/** Gives a valid access token for the user at `provider`: `getAccessToken` for a request. */
/** What the /connections page reads: the accounts and their audit log, and the providers. */
export interface ConnectionsSource {
	db: Database;
	providers: ProviderSettings[];
}

/** What "Refresh now" needs besides: the tokens' reader, and the per-session limits. */
export interface ConnectionsRefresher extends ConnectionsSource, TokenReader {
	accountLimits: AccountLimits;
}

export type AccessTokenSource = (provider: ProviderId) => Promise<string>;

export type RefreshResult =
	| { ok: true; provider: ProviderId; expiresAt: number | null }
	| { ok: false; status: 400 | 404 | 409 | 429 | 503; provider: ProviderId | null; error: string };

/**
 * Each linked provider's view of the user, fetched with the access token `getToken` gives, and
 * the token's life. Throws `RefreshTokenError` when a provider refused to refresh (the user must
 * sign in again).
 */
export async function describeConnections(
	source: ConnectionsSource,
	userId: string,
	getToken: AccessTokenSource
): Promise<Connection[]> {
	const linked = await listSessionAccounts(source.db, userId);
	return Promise.all(
		linked.map(({ provider }) => describeConnection(source, userId, provider, getToken))
	);
}

async function describeConnection(
	{ db, providers }: ConnectionsSource,
	userId: string,
	provider: ProviderId,
	getToken: AccessTokenSource
): Promise<Connection> {
	const { name } = labelProvider(providers, provider);
	let token;
	try {
		token = await getToken(provider);
	} catch (error) {
		const unknown = {
			provider,
			name,
			expiresAt: null,
			rotatedAt: null,
			history: null,
			profile: null
		};
		if (error instanceof NoStoredTokensError) {
			return { ...unknown, problem: reconnectReason(error, name), reconnect: true };
		}
		if (!(error instanceof ProviderUnavailableError)) throw error;
		return { ...unknown, problem: `${error.message}. Try again in a moment.`, reconnect: false };
	}
	// Read after the token: a refresh it waited for has stored the new expiry.
	const account = await findAccount(db, userId, provider);
	if (account === null) throw new AccountNotLinkedError(provider);
	const { expires_at: expiresAt, rotatedAt } = account;
	const history = await readTokenHistory(db, userId, provider, rotatedAt);
	const known = { provider, name, expiresAt, rotatedAt, history, reconnect: false };
	try {
		return {
			...known,
			profile: await fetchProviderProfile(providers, provider, token),
			problem: null
		};
	} catch (error) {
		const problem = error instanceof Error ? error.message : String(error);
		return { ...known, profile: null, problem };
	}
}

/**
 * "Refresh now" for `provider` (a form field), from the session `sessionId`: rotates the tokens
 * (see `rotateConnectionTokens`) and gives the new expiry. Only a refresh that rotated them
 * counts against the session's limit. On an expected failure, the result says why, with the
 * status.
 */
export async function refreshConnection(
	refresher: ConnectionsRefresher,
	userId: string,
	sessionId: string,
	provider: unknown,
	client: RequestClient | null
): Promise<RefreshResult> {
	if (!isProviderId(provider)) {
		return { ok: false, status: 400, provider: null, error: 'No provider chosen.' };
	}
	const charge = await refresher.accountLimits.charge('refresh-tokens', sessionId);
	if (!charge.allowed) return { ok: false, status: 429, provider, error: charge.error };
	try {
		const expiresAt = await rotateConnectionTokens(refresher, userId, provider, client);
		return { ok: true, provider, expiresAt };
	} catch (error) {
		const failure = describeRefreshFailure(refresher.providers, error, provider);
		await charge.refund();
		return { ok: false, provider, ...failure };
	}
}

/** The status and message for an expected refresh failure; any other error is thrown again. */
function describeRefreshFailure(
	providers: ProviderSettings[],
	error: unknown,
	provider: ProviderId
) {
	const { name } = labelProvider(providers, provider);
	if (error instanceof RefreshTokenError) {
		const message = `${name} refused to refresh the token. Sign in again to reconnect.`;
		return { status: 409, error: message } as const;
	}
	if (error instanceof ProviderUnavailableError) {
		return { status: 503, error: `${name} could not be reached. Try again soon.` } as const;
	}
	if (error instanceof NoStoredTokensError) {
		return { status: 409, error: reconnectReason(error, name) } as const;
	}
	if (error instanceof AccountNotLinkedError) {
		return { status: 404, error: `No ${name} account is linked.` } as const;
	}
	throw error;
}

/**
 * Why Latchkey holds no usable tokens for a provider: the user signed out, a secret went, or a
 * refresh's answer never arrived.
 */
function reconnectReason(error: NoStoredTokensError, name: string): string {
	const why =
		error instanceof UnreadableTokensError
			? `can no longer read its ${name} tokens (the secret that sealed them was removed)`
			: error instanceof LostTokensError
				? `lost its ${name} tokens (${name}'s answer to a refresh never arrived)`
				: `holds no ${name} tokens since you signed out`;
	return `Latchkey ${why}. Reconnect to use ${name} here.`;
}

/**
 * Rotates the user's `provider` tokens now, fresh or not, through the same single-flight,
 * leased path as every other refresh, and returns the new access token's expiry.
 * Throws as `readAccessToken` does (`RefreshTokenError`, `ProviderUnavailableError`, …).
 */
export async function rotateConnectionTokens(
	reader: TokenReader,
	userId: string,
	provider: ProviderId,
	client: RequestClient | null
): Promise<number | null> {
	const { expiresAt } = await readAccessToken(reader, userId, provider, { force: true, client });
	return expiresAt;
}

async function fetchProviderProfile(
	providers: ProviderSettings[],
	provider: ProviderId,
	accessToken: string
) {
	const settings = providers.find(({ id }) => id === provider);
	if (settings === undefined) throw new Error(`${provider} is no longer configured`);
	const { userUrl } = await providerEndpoints(settings);
	const response = await fetch(userUrl, {
		headers: { authorization: `Bearer ${accessToken}`, 'user-agent': 'latchkey' },
		signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS)
	});
	if (!response.ok) throw new Error(`The ${settings.name} API answered ${response.status}`);
	const body = (await response.json()) as Record<string, unknown>;
	const text = (value: unknown) => (typeof value === 'string' ? value : null);
	// GitHub's user has a `login`; OIDC userinfo a `preferred_username`, or at least a `sub`.
	const login = text(body.login) ?? text(body.preferred_username) ?? text(body.sub);
	return { name: text(body.name), email: text(body.email), login };
}
