import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import type { ProjectOptions } from './e2e/fixtures';
import { APP_PORT, appUrl } from './e2e/support/ports';

// Debian's Chromium where there is one (Playwright cannot download browsers everywhere),
// Playwright's own browser elsewhere. Its headless shell first: what Playwright itself runs
// headless, without the full browser's UI, it takes about half the CPU (see docs/performance.md).
const DEBIAN_CHROMIUMS = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'];
const executablePath =
	process.env.CHROMIUM_PATH ?? DEBIAN_CHROMIUMS.find((path) => existsSync(path));

export default defineConfig<ProjectOptions>({
	testDir: 'e2e',
	timeout: 60_000,
	// A safety net, not a speed goal: the whole run takes 5-10 min here, and a test that hangs
	// past its own timeout should end the run with its name reported, not stall CI for 90 min.
	globalTimeout: 40 * 60_000,
	// Note: on a busy 2-core machine a page can take longer than Playwright's 5 s default to show
	// what a test waits for. Speed goals live in the benchmarks, not in these waits.
	expect: { timeout: 10_000 },
	// Three on 2 cores: many tests wait out token lifetimes, leases and late answers, and the
	// third worker runs while they wait (docs/performance.md, "The test suite").
	workers: 3,
	globalSetup: './e2e/global-setup.ts',
	forbidOnly: Boolean(process.env.CI),
	reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
	use: {
		baseURL: appUrl,
		trace: 'retain-on-failure',
		launchOptions:
			executablePath === undefined
				? {}
				: {
						executablePath,
						args: [
							'--headless',
							'--no-sandbox',
							'--disable-gpu',
							'--disable-background-networking',
							'--disable-component-update',
							'--disable-sync'
						]
					}
	},
	projects: [
		{ name: 'chromium' },
		{
			// The suites that share Postgres between instances (two-instance rotation, a rolling
			// restart) once more through a transaction-mode PgBouncer, as most managed Postgres is
			// reached. Note: they skip themselves where TEST_DATABASE_URL or nginx is missing.
			name: 'through-pgbouncer',
			use: { databaseRoute: 'pgbouncer' },
			testMatch: ['rotation.spec.ts', 'rolling-restart.spec.ts'],
			grep: [/across two instances/, /a rolling restart/]
		}
	],
	webServer: {
		// The same launcher as `npm run dev`, on the production build.
		command: 'npm run build && node idp/launch.js start',
		url: `${appUrl}/api/get-session-status`,
		timeout: 180_000,
		reuseExistingServer: !process.env.CI,
		// Note: every spec signs in from 127.0.0.1, far faster than any person: no sign-in limit.
		env: { PORT: String(APP_PORT), PGLITE_DATA_DIR: 'memory://', AUTH_RATE_LIMIT: '100000' }
	}
});
