import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		// Scripts run only with this response's nonce: no inline script, no eval, no other origin.
		// Note: no `form-action`: Chrome applies it to the redirect from /signin to the provider.
		csp: {
			mode: 'nonce',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self'],
				// Style attributes only (SvelteKit's route announcer sets one); no inline <style>.
				'style-src-attr': ['unsafe-inline'],
				// Avatars: https from GitHub and Google, data: URLs from the local identity provider.
				'img-src': ['self', 'https:', 'data:'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'frame-ancestors': ['none']
			}
		},
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
					'../bench/**/*.js'
				);
			}
		}
	}
};
