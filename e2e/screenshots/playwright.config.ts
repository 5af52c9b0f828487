import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

const TOKEN_TTL_SECONDS = 30;
const server = base.webServer;
if (server === undefined || Array.isArray(server)) {
	throw new Error('playwright.config.ts should start exactly one web server');
}

/**
 * `npm run screenshots`: the README's pictures of /connections, taken from the same local stack
 * as the e2e tests (a production build beside the local IdP). Not part of `npm test`: only this
 * config matches `*.shot.ts`.
 */
export default defineConfig({
	...base,
	testDir: '.',
	testMatch: '*.shot.ts',
	workers: 1,
	reporter: 'list',
	outputDir: '../../test-results/screenshots',
	webServer: {
		...server,
		// Note: Playwright starts the web server in the config's folder unless told otherwise.
		cwd: fileURLToPath(new URL('../..', import.meta.url)),
		// 30 s access tokens: a timeline short enough to show its marks apart within seconds.
		env: { ...server.env, IDP_ACCESS_TOKEN_TTL: String(TOKEN_TTL_SECONDS) }
	}
});
