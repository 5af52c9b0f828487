import {
	AUDIT_PRUNE_INTERVAL_MS,
	REFRESH_REQUEST_WAIT_MS,
	SESSION_PRUNE_INTERVAL_MS
} from '$lib/timings';
import { pruneAuditLog } from '../audit/audit-retention';
import { connectDatabase, type Database, type DatabaseConnection } from '../db';
import { scheduleMaintenance } from '../db/maintenance';
import { AccountLimits } from '../http/account-limits';
import { RateLimiter } from '../http/rate-limit';
import { instrumentApp } from '../metrics/instrument';
import { checkProviderIssuers } from '../providers/issuers';
import type { ProviderSettings } from '../providers/settings';
import {
	createSessionCodec,
	createSharedSessionReads,
	type SessionPolicy,
	type SharedSessionReads
} from '../authjs';
import { pruneUserSessions } from '../session/session-retention';
import { createFoundLive, type FoundLive } from '../session/user-sessions';
import { createTokenCipher, type TokenCipher } from '../tokens/cipher';
import { TokenRotator } from '../tokens/rotation/token-rotator';
import type { Config } from './read-config';

/**
 * Every service of the app, built once from the config: hooks and routes read it from
 * `event.locals.app`, and hand each domain function what it needs.
 */
export interface Services {
	config: Config;
	database: DatabaseConnection;
	db: Database;
	/** Seals the provider tokens stored in the database. */
	cipher: TokenCipher;
	providers: ProviderSettings[];
	/** The one rotator of this process: its single-flight map and memo work because it is one. */
	rotator: TokenRotator;
	session: SessionPolicy;
	/** Sign-in attempts per client network, shared by every instance. */
	signInLimiter: RateLimiter;
	/** Account actions (refresh now, revoke sessions) per session. */
	accountLimits: AccountLimits;
	/** When this process last found each session live: spares a check per interval. */
	foundLive: FoundLive;
	/** Auth.js's session reads under way, shared by requests that carry the same cookie. */
	sessionReads: SharedSessionReads;
}

/** The running app: its services, and what stops it. */
export interface App extends Services {
	/**
	 * Stops the app: refreshes under way store their tokens and release their leases first, then
	 * the background tasks stop and the database closes.
	 */
	close: () => Promise<void>;
}

/**
 * Builds the app from `config`: connects (and migrates) the database, checks that each OIDC
 * provider is the one its stored accounts came from, and starts the background tasks. Throws a
 * `ConfigError` when the database cannot be used or a provider's issuer changed.
 */
export async function createApp(config: Config): Promise<App> {
	const database = await connectDatabase(config.database);
	try {
		await checkProviderIssuers(database.db, config.providers);
	} catch (error) {
		await database.close();
		throw error;
	}
	const services = buildServices(config, database);
	const { db, session, rotator } = services;
	const stopMetrics = instrumentApp({
		providerIds: config.providers.map(({ id }) => id),
		database,
		sessionMaxAgeSeconds: session.maxAgeSeconds
	});
	const stopPruning = [
		scheduleMaintenance('pruning the audit log', AUDIT_PRUNE_INTERVAL_MS, () =>
			pruneAuditLog(db, { retentionDays: config.auditRetentionDays })
		),
		scheduleMaintenance('pruning ended sessions', SESSION_PRUNE_INTERVAL_MS, () =>
			pruneUserSessions(db, session)
		)
	];
	return {
		...services,
		close: async () => {
			await rotator.drain();
			for (const stop of stopPruning) stop();
			stopMetrics();
			await database.close();
		}
	};
}

/**
 * The services of `config` over a connected `database`, with no background work: what
 * `createApp` runs, and what a test builds around its own database.
 */
export function buildServices(config: Config, database: DatabaseConnection): Services {
	const { providers } = config;
	const cipher = createTokenCipher(config.secrets);
	return {
		config,
		database,
		db: database.db,
		cipher,
		providers,
		rotator: new TokenRotator({
			database,
			cipher,
			providers,
			skewMs: config.refreshSkewSeconds * 1000,
			timeoutMs: REFRESH_REQUEST_WAIT_MS
		}),
		session: {
			...config.session,
			codec: createSessionCodec({ absoluteMaxAgeSeconds: config.session.absoluteMaxAgeSeconds }),
			secrets: config.secrets,
			acceptedOnlySecrets: config.acceptedOnlySecrets
		},
		signInLimiter: new RateLimiter({ name: 'sign-in', ...config.signInLimit }),
		accountLimits: new AccountLimits(database.db, config.accountActionLimit),
		foundLive: createFoundLive(),
		sessionReads: createSharedSessionReads()
	};
}
