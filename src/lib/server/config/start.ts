import { dev } from '$app/environment';
import { configureSignInLimit } from '../hooks/sign-in-limit';
import { configureAccountLimits } from '../http/account-limits';
import { configureMetrics } from '../metrics/configure';
import { configureTokenServices } from './services';
import { checkForwardedDepth, clientAddressWarning } from './client-address';
import { ConfigError, type Env } from './env';
import { connectDatabase, databaseConfigFromEnv, db } from '../db';
import { checkProviderIssuers } from '../providers/issuers';
import { scheduleAuditPruning } from '../account/audit-retention';
import { scheduleSessionPruning } from '../session/session-retention';

/**
 * Whether Auth.js may build URLs from the request's host. True once the deployment pins its
 * origin (adapter-node's ORIGIN, or AUTH_URL) or vouches for its proxy (AUTH_TRUST_HOST).
 * Note: @auth/sveltekit defaults to `dev` here, which breaks every production request.
 */
export function isHostTrusted(env: Env): boolean {
	return Boolean(env.ORIGIN || env.AUTH_URL) || ['true', '1'].includes(env.AUTH_TRUST_HOST ?? '');
}

/**
 * Checks the configuration and connects the database, or stops the process with one line
 * naming what is wrong. Runs once, before the server answers its first request.
 */
export async function startServer(env: Env): Promise<void> {
	try {
		const { providers, session } = configureTokenServices(env);
		if (!isHostTrusted(env)) {
			throw new ConfigError(
				"the app's URL is unknown: set ORIGIN (e.g. https://app.example.com) or AUTH_URL, or AUTH_TRUST_HOST=true behind a proxy that sets X-Forwarded-Host"
			);
		}
		checkForwardedDepth(env);
		configureSignInLimit(env);
		configureAccountLimits(env);
		configureMetrics(
			env,
			providers.map(({ id }) => id)
		);
		await connectDatabase(databaseConfigFromEnv(env));
		await checkProviderIssuers(db, providers);
		scheduleAuditPruning(env);
		scheduleSessionPruning(session);
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		console.error(`Latchkey cannot start: ${error.message}`);
		process.exit(1);
	}
	// Note: the dev server is plain http on the developer's machine; adapter-node's variables
	// apply to `node build` only.
	const warning = dev ? null : clientAddressWarning(env);
	if (warning !== null) console.warn(warning);
}
