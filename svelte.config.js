import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		typescript: {
			// Root-level TypeScript files are type-checked with the app.
			config: (tsconfig) => {
				// Tests import the local IdP as `$idp/…` (an alias only vitest resolves).
				tsconfig.compilerOptions.paths['$idp/*'] = ['../idp/*'];
				tsconfig.include.push(
					'../auth.config.ts',
					'../drizzle.config.ts',
					'../playwright.config.ts',
					'../e2e/**/*.ts',
					'../idp/**/*.js',
					'../e2e/**/*.js',
					'../bench/**/*.js'
				);
			}
		}
	}
};
