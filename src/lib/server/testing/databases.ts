import { afterAll, beforeAll, describe, inject } from 'vitest';
import { createThrowawayDatabase } from '$idp/testkit/database.js';
import { findPgbouncer, startPgbouncer } from '$idp/testkit/pgbouncer.js';
import { copyPgliteTemplate } from '$idp/testkit/pglite.js';
import { buildServices, type Services } from '../app/create-app';
import { readConfig } from '../app/read-config';
import type { Env } from '../config/env';
import { connectDatabase, type DatabaseConfig } from '../db';

/** What a suite's services are configured from: a test secret, and `env` (a local IdP's). */
export interface SuiteOptions {
	env?: () => Env;
}

/** The env of every test app: a secret of its own, a trusted host, and a provider. */
const TEST_ENV: Env = {
	AUTH_SECRET: 'latchkey-test-secret-0123456789abcdefghijklmnop',
	AUTH_TRUST_HOST: 'true',
	AUTH_GITHUB_ID: 'latchkey-test-client',
	AUTH_GITHUB_SECRET: 'latchkey-test-client-secret'
};

type Suite = (app: Services) => void;

/**
 * Runs `suite` against a fresh, migrated database: embedded PGlite always, and a real Postgres
 * too when TEST_DATABASE_URL is set. Each run gets a database of its own (a copy of the run's
 * migrated PGlite, a throwaway database on the server), so test files can run in parallel.
 */
export function describeWithDatabases(
	name: string,
	suite: Suite,
	options: SuiteOptions = {}
): void {
	describe(`${name} (PGlite)`, () => {
		const app = useApp(async () => {
			const copy = copyPgliteTemplate(inject('pgliteTemplate'));
			return { config: { dataDir: copy.dir }, drop: async () => copy.remove() };
		}, options);
		suite(app);
	});
	const serverUrl = process.env.TEST_DATABASE_URL;
	// Always defined, so that without a server the report shows it skipped rather than nothing.
	describe.skipIf(!serverUrl)(`${name} (Postgres; needs TEST_DATABASE_URL)`, () => {
		const app = useApp(async () => {
			const { url, drop } = await createThrowawayDatabase(serverUrl!);
			return { config: { url: url.href }, drop };
		}, options);
		suite(app);
	});
}

/**
 * `describeWithDatabases`, and the Postgres run once more through a PgBouncer of its own in
 * transaction mode (`DATABASE_POOLER=transaction`, as behind Supabase, Neon or most managed
 * Postgres), for the suites whose guarantees a pooler could break (migrations, the lease).
 */
export function describeWithDatabasesAndPooler(
	name: string,
	suite: Suite,
	options: SuiteOptions = {}
): void {
	describeWithDatabases(name, suite, options);
	const serverUrl = process.env.TEST_DATABASE_URL;
	describe.skipIf(!serverUrl || findPgbouncer() === null)(
		`${name} (Postgres through PgBouncer in transaction mode; needs TEST_DATABASE_URL and pgbouncer)`,
		() => {
			const app = useApp(async () => {
				const database = await createThrowawayDatabase(serverUrl!);
				const pooler = await startPgbouncer(serverUrl!);
				const config = { url: pooler.url(database.url), pooler: 'transaction' as const };
				return { config, drop: () => pooler.stop().finally(database.drop) };
			}, options);
			suite(app);
		}
	);
}

/**
 * The app's services over a fresh database for one suite, built with the app's own functions
 * before its tests and closed after them. Note: the suite is declared before they exist, so the
 * object it gets reads each service from them when a test runs.
 */
function useApp(
	create: () => Promise<{ config: DatabaseConfig; drop: () => Promise<void> }>,
	{ env }: SuiteOptions
): Services {
	let services: Services | null = null;
	let drop = async () => {};
	beforeAll(async () => {
		const created = await create();
		drop = created.drop;
		const config = readConfig({ ...TEST_ENV, ...env?.() });
		services = buildServices(config, await connectDatabase(created.config));
	});
	afterAll(async () => {
		await services?.rotator.drain();
		await services?.database.close();
		services = null;
		await drop();
	});
	const built = () => {
		if (services === null) throw new Error('the test app is used outside a test');
		return services;
	};
	// Note: reads, spreads and destructuring with a rest all see the services of the moment.
	return new Proxy({} as Services, {
		get: (_, name: keyof Services) => built()[name],
		ownKeys: () => Reflect.ownKeys(built()),
		getOwnPropertyDescriptor: (_, name) => ({
			...Reflect.getOwnPropertyDescriptor(built(), name),
			configurable: true
		})
	});
}
