import { PROVIDER_TIMEOUT_MS, TOKEN_REFRESH_SKEW_SECONDS } from '$lib/timings';
import { ConfigError } from '../config-error';
import { readProviderSettings, type ProviderSettings } from './providers';
import { TokenRotator } from './rotation';
import { createTokenCipher, type TokenCipher } from './token-crypto';

type Env = Record<string, string | undefined>;

export interface TokenServices {
	cipher: TokenCipher;
	rotator: TokenRotator;
	providers: ProviderSettings[];
}

let services: TokenServices | null = null;

/**
 * Sets up token encryption and rotation from env, once per process (at start-up, or by a
 * test). One rotator per process is what makes its single-flight map work.
 */
export function configureTokenServices(env: Env): TokenServices {
	const secret = env.AUTH_SECRET;
	if (!secret) throw new ConfigError('AUTH_SECRET is not set');
	const skewSeconds = Number(env.AUTH_REFRESH_SKEW_SECONDS || TOKEN_REFRESH_SKEW_SECONDS);
	if (!Number.isFinite(skewSeconds) || skewSeconds < 0) {
		throw new ConfigError('AUTH_REFRESH_SKEW_SECONDS must be a number of seconds');
	}
	const cipher = createTokenCipher(secret);
	const providers = readProviderSettings(env);
	const rotator = new TokenRotator({
		cipher,
		providers,
		skewMs: skewSeconds * 1000,
		timeoutMs: PROVIDER_TIMEOUT_MS
	});
	services = { cipher, rotator, providers };
	return services;
}

export function tokenServices(): TokenServices {
	if (services === null) throw new Error('configureTokenServices() has not run');
	return services;
}
