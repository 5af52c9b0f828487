import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { APP_PORT, appUrl } from './e2e/support/ports';

// Debian's Chromium where there is one (Playwright cannot download browsers everywhere),
// Playwright's own browser elsewhere.
const executablePath =
	process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
	testDir: 'e2e',
	timeout: 60_000,
	// Note: on a busy 2-core machine a page can take longer than Playwright's 5 s default to show
	// what a test waits for. Speed goals live in the benchmarks, not in these waits.
	expect: { timeout: 10_000 },
	workers: 2,
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
