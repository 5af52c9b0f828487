import type { ProviderId } from '$lib/auth/types';

/** The provider refused to refresh the tokens for good: the user has to sign in again. */
export class RefreshTokenError extends Error {
	name = 'RefreshTokenError';
	constructor(readonly provider?: ProviderId) {
		super(`The ${provider ?? 'provider'} tokens can no longer be refreshed`);
	}
}

/** The provider could not be reached to refresh an expired token; worth trying again later. */
export class ProviderUnavailableError extends Error {
	name = 'ProviderUnavailableError';
	constructor(readonly provider: ProviderId) {
		super(`${provider} could not be reached to refresh its access token`);
	}
}

/** The user has no account at that provider. */
export class AccountNotLinkedError extends Error {
	name = 'AccountNotLinkedError';
	constructor(readonly provider: ProviderId) {
		super(`No ${provider} account is linked`);
	}
}

/**
 * No tokens are stored for the user at that provider: they signed out of their last session
 * (which forgets them) and have not signed in with it since. Signing in with it stores new ones.
 */
export class NoStoredTokensError extends Error {
	name = 'NoStoredTokensError';
	constructor(readonly provider: ProviderId) {
		super(`No ${provider} tokens are stored until the user signs in with it again`);
	}
}

/**
 * The stored tokens are sealed under a secret that is no longer configured (`AUTH_SECRET_n` was
 * removed before `secrets:reencrypt` moved them): nothing can read them, so they are forgotten
 * as at sign-out, and signing in with the provider again stores new ones.
 */
export class UnreadableTokensError extends NoStoredTokensError {
	name = 'UnreadableTokensError';
	constructor(provider: ProviderId) {
		super(provider);
		this.message = `The ${provider} tokens are sealed under a secret that is no longer configured`;
	}
}

/**
 * The tokens were forgotten because a refresh's fate was unknown and its one retry was refused
 * (outcome `lost`): the provider may have rotated them, but its answer never arrived, so the
 * spent refresh token is never sent again. Signing in with the provider stores new ones.
 */
export class LostTokensError extends NoStoredTokensError {
	name = 'LostTokensError';
	constructor(provider: ProviderId) {
		super(provider);
		this.message = `The ${provider} tokens were lost: the answer to a refresh never arrived`;
	}
}
