import {
	REFRESH_REQUEST_WAIT_MS,
	SESSION_CHECK_SECONDS,
	SESSION_MAX_AGE_SECONDS,
	SESSION_UPDATE_AGE_SECONDS,
	TOKEN_REFRESH_SKEW_SECONDS
} from '$lib/timings';
import { ConfigError, readSecrets, readWholeNumber, type Env } from './env';
import { readProviderSettings, type ProviderSettings } from '../providers/settings';
import { TokenRotator } from '../tokens/rotation/token-rotator';
import { createSessionCodec, type SessionCodec } from '../session/codec';
import { createTokenCipher, type TokenCipher } from '../tokens/cipher';

export interface TokenServices {
	cipher: TokenCipher;
	rotator: TokenRotator;
	providers: ProviderSettings[];
	session: SessionPolicy;
}

/** How the session cookie (Auth.js's JWT) is encoded and how long it lives. */
interface SessionPolicy {
	codec: SessionCodec;
	/** Newest first: the first encrypts, and each of them decrypts. */
	secrets: string[];
	maxAgeSeconds: number;
	updateAgeSeconds: number;
	/** How often, at most, a session is checked against `user_sessions`. */
	checkIntervalSeconds: number;
}

let services: TokenServices | null = null;

/**
 * Sets up provider-token encryption and rotation, and the session cookie codec and policy, from
 * env, once per process (at start-up, or by a test). One rotator and one codec per process is
 * what makes the single-flight map and the decode cache work.
 */
export function configureTokenServices(env: Env): TokenServices {
	const secrets = readSecrets(env);
	const skewSeconds = readWholeNumber(env, 'AUTH_REFRESH_SKEW_SECONDS', TOKEN_REFRESH_SKEW_SECONDS);
	const maxAgeSeconds = readWholeNumber(env, 'AUTH_SESSION_MAX_AGE', SESSION_MAX_AGE_SECONDS);
	const updateAgeSeconds = readWholeNumber(
		env,
		'AUTH_SESSION_UPDATE_AGE',
		SESSION_UPDATE_AGE_SECONDS
	);
	if (maxAgeSeconds === 0 || updateAgeSeconds > maxAgeSeconds) {
		throw new ConfigError('AUTH_SESSION_UPDATE_AGE must not exceed AUTH_SESSION_MAX_AGE (> 0)');
	}
	const cipher = createTokenCipher(secrets);
	const providers = readProviderSettings(env);
	const rotator = new TokenRotator({
		cipher,
		providers,
		skewMs: skewSeconds * 1000,
		timeoutMs: REFRESH_REQUEST_WAIT_MS
	});
	const checkIntervalSeconds = readWholeNumber(
		env,
		'AUTH_SESSION_CHECK_SECONDS',
		SESSION_CHECK_SECONDS
	);
	const session = {
		codec: createSessionCodec(),
		secrets,
		maxAgeSeconds,
		updateAgeSeconds,
		checkIntervalSeconds
	};
	services = { cipher, rotator, providers, session };
	return services;
}

export function tokenServices(): TokenServices {
	if (services === null) throw new Error('configureTokenServices() has not run');
	return services;
}
