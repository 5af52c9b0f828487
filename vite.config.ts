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
		// Most files spend their time waiting (on leases, a late provider, a timer), not computing:
		// three at once finish sooner even on 2 cores, where vitest would run one at a time. Each
		// file has databases and IdP ports of its own.
		maxWorkers: 3,
		// Note: PGlite boots a WASM Postgres per test file, which takes seconds on a busy machine.
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
