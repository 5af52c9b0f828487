import { dev } from '$app/environment';
import { clientAddressWarning } from '../config/client-address';
import { ConfigError, type Env } from '../config/env';
import { createApp, type App } from './create-app';
import { readConfig } from './read-config';

/**
 * Reads the configuration and builds the app, or stops the process with one line naming what is
 * wrong. Runs once, in the `init` hook, before the server answers its first request.
 */
export async function startApp(env: Env): Promise<App> {
	let app: App;
	try {
		app = await createApp(readConfig(env));
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		console.error(`Latchkey cannot start: ${error.message}`);
		process.exit(1);
	}
	// Note: the dev server is plain http on the developer's machine; adapter-node's variables
	// apply to `node build` only.
	const warning = dev ? null : clientAddressWarning(env);
	if (warning !== null) console.warn(warning);
	return app;
}
