import { SvelteKitAuth, type SvelteKitAuthConfig } from '@auth/sveltekit';
import type { App } from '$lib/server/app/create-app';
import { configForRequest, createAuthConfig } from '../auth.config';

// Each app's Auth.js configuration, built on its first request (the app is built by `init`).
const configs = new WeakMap<App, SvelteKitAuthConfig>();

export const { handle, signIn, signOut } = SvelteKitAuth(async (event) => {
	const { app } = event.locals;
	let config = configs.get(app);
	if (config === undefined) configs.set(app, (config = createAuthConfig(app)));
	return configForRequest(app, config, event.url);
});
