import {
	REFRESH_REQUEST_WAIT_MS,
	SESSION_ABSOLUTE_MAX_AGE_SECONDS,
	SESSION_CHECK_SECONDS,
	SESSION_FRESH_AGE_SECONDS,
	SESSION_MAX_AGE_SECONDS,
	SESSION_UPDATE_AGE_SECONDS,
	TOKEN_REFRESH_SKEW_SECONDS
} from '$lib/timings';
import {
	ConfigError,
	readAcceptedOnlySecrets,
	readSecrets,
	readWholeNumber,
	type Env
} from './env';
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
	/** The first encrypts (the newest, unless AUTH_SECRET_ENCRYPTS says), and each decrypts. */
	secrets: string[];
	/** Secrets newer than the first: a cookie under one is not re-issued (see `readAcceptedOnlySecrets`). */
	acceptedOnlySecrets: string[];
	maxAgeSeconds: number;
	updateAgeSeconds: number;
	/** How often, at most, a session is checked against `user_sessions`. */
	checkIntervalSeconds: number;
	/** How long a session lasts from the sign-in at the provider, whatever its activity. */
	absoluteMaxAgeSeconds: number;
	/** How long after the sign-in at the provider a session may take sensitive actions. */
	freshAgeSeconds: number;
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
	const absoluteMaxAgeSeconds = readWholeNumber(
		env,
		'AUTH_SESSION_ABSOLUTE_MAX_AGE',
		SESSION_ABSOLUTE_MAX_AGE_SECONDS
	);
	if (absoluteMaxAgeSeconds === 0) {
		throw new ConfigError('AUTH_SESSION_ABSOLUTE_MAX_AGE must be more than 0');
	}
	const freshAgeSeconds = readWholeNumber(env, 'AUTH_FRESH_AGE_SECONDS', SESSION_FRESH_AGE_SECONDS);
	const session = {
		codec: createSessionCodec({ absoluteMaxAgeSeconds }),
		secrets,
		acceptedOnlySecrets: readAcceptedOnlySecrets(env),
		maxAgeSeconds,
		updateAgeSeconds,
		checkIntervalSeconds,
		absoluteMaxAgeSeconds,
		freshAgeSeconds
	};
	services = { cipher, rotator, providers, session };
	return services;
}

export function tokenServices(): TokenServices {
	if (services === null) throw new Error('configureTokenServices() has not run');
	return services;
}
