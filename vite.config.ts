import { fileURLToPath } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['src/**/*.test.ts', 'idp/**/*.test.js'],
		// The local IdP is test tooling: only tests can import it (the app build cannot resolve it).
		alias: { $idp: fileURLToPath(new URL('./idp', import.meta.url)) },
		reporters: ['default', 'json'],
		outputFile: { json: 'reports/unit.json' },
		// One migrated PGlite database per run, which each suite copies instead of migrating its own.
		globalSetup: ['src/lib/server/testing/global-setup.ts'],
		// Most files spend their time waiting (on leases, a late provider, a timer), not computing:
		// three at once finish sooner even on 2 cores, where vitest would run one at a time. Each
		// file has databases and IdP ports of its own.
		maxWorkers: 3,
		// Worker threads rather than child processes: each file starts and imports its modules in
		// about 30 % less CPU (docs/performance.md, "The test suite").
		pool: 'threads',
		// Note: each test file opens its own PGlite (WASM), which takes seconds on a busy machine.
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
