import { basename } from 'node:path';
import { test as base, type BrowserContext, type Page } from '@playwright/test';
import type { Env, TestApp } from '../idp/testkit/app.js';
import { createThrowawayDatabase } from '../idp/testkit/database.js';
import { findPgbouncer, startPgbouncer } from '../idp/testkit/pgbouncer.js';
import { startTestStack, type TestStack } from '../idp/testkit/stack.js';
import { PGLITE_TEMPLATE } from './support/ports';
import { signIn, uniqueLogin, type ProviderName } from './support/sign-in';

export { expect } from '@playwright/test';

/** How a test's private app runs. */
export interface AppOptions {
	/** Added to the app's environment; an `undefined` value removes a setting. */
	env?: Env;
	/** `postgres`: a database of its own on TEST_DATABASE_URL's server (default: PGlite in memory). */
	database?: 'pglite' | 'postgres';
	/** The access-token lifetime at the app's own IdP, in seconds (default 300). */
	accessTokenTtl?: number;
	/** App instances that share the IdP and the database (default 1). */
	instances?: number;
	/** The app client's secrets at the IdP's instances (default: random, Base64url). */
	clientSecrets?: { github?: string; google?: string; oidc?: string };
}

interface SignInOptions {
	provider?: ProviderName;
	login?: string;
	/** Opened first, so that sign-in returns there (by default it ends on the home page). */
	startAt?: string;
}

export type NewSignedInPage = (options?: SignInOptions) => Promise<Page>;

/** Options a Playwright project sets for every test it runs (see playwright.config.ts). */
export interface ProjectOptions {
	/**
	 * How private apps on Postgres reach it: `direct`, or `pgbouncer`: through a PgBouncer of the
	 * test's own in transaction mode, with DATABASE_POOLER=transaction (default `direct`).
	 */
	databaseRoute: 'direct' | 'pgbouncer';
}

interface Fixtures extends ProjectOptions {
	/** The provider `signedInPage` signs in with (an option: `test.use({ provider: 'Google' })`). */
	provider: ProviderName;
	/** A login no other test uses, so every test starts with its own user. */
	login: string;
	/**
	 * Opens a page in a fresh browser context and signs in through the local IdP's pages, as
	 * `login` with `provider` unless told otherwise. Its contexts close when the test ends.
	 */
	newSignedInPage: NewSignedInPage;
	/** A page in a fresh context, signed in as `login` with `provider`, on the home page. */
	signedInPage: Page;
	/** How `privateApps` run (an option: `test.use({ appOptions: { … } })`). */
	appOptions: AppOptions;
	/** The test's own Postgres database with `database: 'postgres'`, dropped afterwards. */
	freshDatabase: URL | undefined;
	/**
	 * The DATABASE_URL the private apps get: `freshDatabase` (through PgBouncer with the
	 * `pgbouncer` route) unless a spec overrides it.
	 */
	appDatabaseUrl: string | undefined;
	/**
	 * The test's own app instances (the production build) with their own IdP, each on a free port
	 * (`freePorts`), stopped when the test ends.
	 */
	privateApps: TestApp[];
	/** The first of `privateApps`. */
	privateApp: TestApp;
	/**
	 * Restarts every private app on its port, one after another, with `env` added to
	 * `appOptions.env`: `privateApps` then lists the new processes.
	 */
	restartPrivateApps: (env: Env) => Promise<void>;
	/** The IdP and the apps behind `privateApps`. */
	privateStack: TestStack;
}

/**
 * For `test.use({ baseURL: privateAppUrl })`: pages, contexts, `signedInPage` and `request` then
 * go to the test's private app.
 */
export const privateAppUrl = async (
	{ privateApp }: { privateApp: TestApp },
	use: (url: string) => Promise<void>
) => use(privateApp.url);

export const test = base.extend<Fixtures>({
	provider: ['GitHub', { option: true }],

	// eslint-disable-next-line no-empty-pattern -- Playwright reads the dependencies from this pattern
	login: async ({}, use, testInfo) => {
		await use(uniqueLogin(basename(testInfo.file, '.spec.ts')));
	},

	newSignedInPage: async ({ browser, provider, login }, use) => {
		const contexts: BrowserContext[] = [];
		await use(async (options = {}) => {
			// Note: Playwright gives contexts made here the test's options, baseURL included.
			const context = await browser.newContext();
			contexts.push(context);
			const page = await context.newPage();
			if (options.startAt !== undefined) await page.goto(options.startAt);
			await signIn(page, options.provider ?? provider, options.login ?? login);
			return page;
		});
		await Promise.all(contexts.map((context) => context.close()));
	},

	signedInPage: async ({ newSignedInPage }, use) => {
		await use(await newSignedInPage());
	},

	appOptions: [{}, { option: true }],

	freshDatabase: async ({ appOptions }, use) => {
		if (appOptions.database !== 'postgres') return use(undefined);
		const serverUrl = process.env.TEST_DATABASE_URL;
		if (serverUrl === undefined) {
			throw new Error(
				'A private app on Postgres needs TEST_DATABASE_URL: skip the test without it'
			);
		}
		const database = await createThrowawayDatabase(serverUrl);
		await use(database.url);
		await database.drop();
	},

	databaseRoute: ['direct', { option: true }],

	appDatabaseUrl: async ({ freshDatabase, databaseRoute }, use, testInfo) => {
		if (freshDatabase === undefined || databaseRoute === 'direct') return use(freshDatabase?.href);
		testInfo.skip(
			findPgbouncer() === null,
			'needs pgbouncer (apt-get install pgbouncer, as .ci/run does)'
		);
		const pooler = await startPgbouncer(process.env.TEST_DATABASE_URL!);
		await use(pooler.url(freshDatabase));
		await pooler.stop();
	},

	privateStack: [
		async ({ appOptions, appDatabaseUrl, databaseRoute }, use) => {
			const { env, instances, accessTokenTtl, clientSecrets } = appOptions;
			const pooler = databaseRoute === 'pgbouncer' ? { DATABASE_POOLER: 'transaction' } : {};
			const database =
				appDatabaseUrl === undefined
					? {}
					: { DATABASE_URL: appDatabaseUrl, PGLITE_DATA_DIR: undefined, ...pooler };
			const stack = await startTestStack({
				instances,
				accessTokenTtl,
				clientSecrets,
				env: { ...env, ...database },
				pgliteTemplate: PGLITE_TEMPLATE
			});
			await use(stack);
			await stack.stop();
		},
		// Note: each instance may take up to 45 s to start on a busy machine.
		{ timeout: 120_000 }
	],

	privateApps: async ({ privateStack }, use) => {
		await use(privateStack.apps);
	},

	restartPrivateApps: async ({ privateStack }, use) => {
		await use((env) => privateStack.restart(env));
	},

	privateApp: async ({ privateApps }, use) => {
		await use(privateApps[0]!);
	}
});
