import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['src/**/*.test.ts', 'idp/**/*.test.js'],
		reporters: ['default', 'json'],
		outputFile: { json: 'reports/unit.json' },
		// Note: PGlite boots a WASM Postgres per test file; keep files in one process pool.
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
