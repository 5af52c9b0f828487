import {
	ACCOUNT_ACTION_WINDOW_SECONDS,
	AUDIT_RETENTION_DAYS,
	SESSION_ABSOLUTE_MAX_AGE_SECONDS,
	SESSION_CHECK_SECONDS,
	SESSION_FRESH_AGE_SECONDS,
	SESSION_MAX_AGE_SECONDS,
	SESSION_UPDATE_AGE_SECONDS,
	SIGN_IN_RATE_WINDOW_SECONDS,
	TOKEN_REFRESH_SKEW_SECONDS
} from '$lib/timings';
import { checkForwardedDepth } from '../config/client-address';
import {
	ConfigError,
	readAcceptedOnlySecrets,
	readSecrets,
	readWholeNumber,
	type Env
} from '../config/env';
import { databaseConfigFromEnv, type DatabaseConfig } from '../db';
import type { RateLimitRule } from '../http/rate-limit';
import { readProviderSettings, type ProviderSettings } from '../providers/settings';
import type { SessionSettings } from '../session/policy';

/** Sign-in attempts (starts and provider callbacks) allowed per IP per window (AUTH_RATE_LIMIT). */
const SIGN_IN_RATE_LIMIT = 20;

/**
 * "Refresh now" or session revocations allowed per session per window (AUTH_ACTION_RATE_LIMIT);
 * only the ones that changed something count.
 */
const ACCOUNT_ACTION_LIMIT = 10;

/** Everything the app reads from its environment, parsed and checked once, at start. */
export interface Config {
	/** The first encrypts (the newest, unless AUTH_SECRET_ENCRYPTS says), and each decrypts. */
	secrets: string[];
	/** Secrets newer than the first: a cookie under one is not re-issued (see `readAcceptedOnlySecrets`). */
	acceptedOnlySecrets: string[];
	/** Whether Auth.js may build URLs from the request's host (see `isHostTrusted`). */
	hostTrusted: boolean;
	database: DatabaseConfig;
	providers: ProviderSettings[];
	/** Refresh at most this many seconds before an access token expires. */
	refreshSkewSeconds: number;
	session: SessionSettings;
	signInLimit: Omit<RateLimitRule, 'name'>;
	accountActionLimit: Omit<RateLimitRule, 'name'>;
	/** The bearer token /metrics asks for; null keeps /metrics off. */
	metricsToken: string | null;
	auditRetentionDays: number;
}

/**
 * Reads the whole configuration from `env`: every variable of the app, with its default. Throws
 * a `ConfigError` whose one line names the first variable that is wrong, and holds no secret.
 */
export function readConfig(env: Env): Config {
	const secrets = readSecrets(env);
	const hostTrusted = isHostTrusted(env);
	if (!hostTrusted) {
		throw new ConfigError(
			"the app's URL is unknown: set ORIGIN (e.g. https://app.example.com) or AUTH_URL, or AUTH_TRUST_HOST=true behind a proxy that sets X-Forwarded-Host"
		);
	}
	checkForwardedDepth(env);
	const auditRetentionDays = readWholeNumber(
		env,
		'AUTH_AUDIT_RETENTION_DAYS',
		AUDIT_RETENTION_DAYS
	);
	if (auditRetentionDays === 0) {
		throw new ConfigError('AUTH_AUDIT_RETENTION_DAYS must be at least 1');
	}
	return {
		secrets,
		acceptedOnlySecrets: readAcceptedOnlySecrets(env),
		hostTrusted,
		database: databaseConfigFromEnv(env),
		providers: readProviderSettings(env),
		refreshSkewSeconds: readWholeNumber(
			env,
			'AUTH_REFRESH_SKEW_SECONDS',
			TOKEN_REFRESH_SKEW_SECONDS
		),
		session: readSessionSettings(env),
		signInLimit: {
			limit: readWholeNumber(env, 'AUTH_RATE_LIMIT', SIGN_IN_RATE_LIMIT),
			windowMs:
				readWholeNumber(env, 'AUTH_RATE_LIMIT_WINDOW_SECONDS', SIGN_IN_RATE_WINDOW_SECONDS) * 1000
		},
		accountActionLimit: {
			limit: readWholeNumber(env, 'AUTH_ACTION_RATE_LIMIT', ACCOUNT_ACTION_LIMIT),
			windowMs: ACCOUNT_ACTION_WINDOW_SECONDS * 1000
		},
		metricsToken: readMetricsToken(env),
		auditRetentionDays
	};
}

/**
 * Whether Auth.js may build URLs from the request's host. True once the deployment pins its
 * origin (adapter-node's ORIGIN, or AUTH_URL) or vouches for its proxy (AUTH_TRUST_HOST).
 * Note: @auth/sveltekit defaults to `dev` here, which breaks every production request.
 */
function isHostTrusted(env: Env): boolean {
	return Boolean(env.ORIGIN || env.AUTH_URL) || ['true', '1'].includes(env.AUTH_TRUST_HOST ?? '');
}

function readSessionSettings(env: Env): SessionSettings {
	const maxAgeSeconds = readWholeNumber(env, 'AUTH_SESSION_MAX_AGE', SESSION_MAX_AGE_SECONDS);
	const updateAgeSeconds = readWholeNumber(
		env,
		'AUTH_SESSION_UPDATE_AGE',
		SESSION_UPDATE_AGE_SECONDS
	);
	if (maxAgeSeconds === 0 || updateAgeSeconds > maxAgeSeconds) {
		throw new ConfigError('AUTH_SESSION_UPDATE_AGE must not exceed AUTH_SESSION_MAX_AGE (> 0)');
	}
	const absoluteMaxAgeSeconds = readWholeNumber(
		env,
		'AUTH_SESSION_ABSOLUTE_MAX_AGE',
		SESSION_ABSOLUTE_MAX_AGE_SECONDS
	);
	if (absoluteMaxAgeSeconds === 0) {
		throw new ConfigError('AUTH_SESSION_ABSOLUTE_MAX_AGE must be more than 0');
	}
	return {
		maxAgeSeconds,
		updateAgeSeconds,
		checkIntervalSeconds: readWholeNumber(env, 'AUTH_SESSION_CHECK_SECONDS', SESSION_CHECK_SECONDS),
		absoluteMaxAgeSeconds,
		freshAgeSeconds: readWholeNumber(env, 'AUTH_FRESH_AGE_SECONDS', SESSION_FRESH_AGE_SECONDS)
	};
}

const MIN_METRICS_TOKEN_LENGTH = 16;
// RFC 6750's token68: what fits in `Authorization: Bearer …` as it is.
const METRICS_TOKEN_CHARACTERS = /^[A-Za-z0-9\-._~+/]+=*$/;

function readMetricsToken(env: Env): string | null {
	const token = env.METRICS_TOKEN;
	if (!token) return null;
	if (token.length < MIN_METRICS_TOKEN_LENGTH || !METRICS_TOKEN_CHARACTERS.test(token)) {
		throw new ConfigError(
			`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters of A-Z a-z 0-9 - . _ ~ + / (generate one with: openssl rand -hex 32)`
		);
	}
	return token;
}
