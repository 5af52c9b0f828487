import type { SvelteKitAuthConfig } from '@auth/sveltekit';
import { PATHS } from '$lib/paths';
import type { App } from '$lib/server/app/create-app';
import {
	authLogger,
	callbacks,
	createAdapter,
	events,
	isLiveSessionOf,
	refuseLinksWithoutLiveSession,
	toAuthProvider
} from '$lib/server/authjs';
import { providerEndpoints } from '$lib/server/providers/endpoints';

/** The Auth.js configuration of `app`, built once. */
export function createAuthConfig(app: App): SvelteKitAuthConfig {
	const { db, cipher, session } = app;
	return {
		// Newest first: Auth.js encrypts with the first and decrypts with any.
		secret: session.secrets,
		trustHost: app.config.hostTrusted,
		adapter: refuseLinksWithoutLiveSession(db, createAdapter(db, cipher), (userId) =>
			isLiveSessionOf(app, userId)
		),
		providers: app.providers.map((settings) => toAuthProvider(settings)),
		session: {
			strategy: 'jwt',
			maxAge: session.maxAgeSeconds,
			updateAge: session.updateAgeSeconds
		},
		// Auth.js's own token format, with the key derived once and decoded tokens memoized.
		jwt: { encode: session.codec.encode, decode: session.codec.decode },
		pages: { signIn: PATHS.signIn, error: PATHS.signIn },
		logger: authLogger,
		callbacks: callbacks(app),
		events: events(app)
	};
}

// Auth.js's callback route for a provider, under its default base path.
const CALLBACK_PATH = /^\/auth\/callback\/([^/]+)$/;

/**
 * The configuration for one request to `config`. Auth.js calls a provider's token endpoint in one
 * place, its callback (the code exchange), and there the provider authenticates the client the
 * way refresh and revocation do: with the method of `providerEndpoints`, which discovers it once
 * per process. Other requests need no discovery, so an outage of the provider slows no page.
 */
export async function configForRequest(
	{ providers }: App,
	config: SvelteKitAuthConfig,
	url: URL
): Promise<SvelteKitAuthConfig> {
	const id = CALLBACK_PATH.exec(url.pathname)?.[1];
	const settings = providers.find((provider) => provider.id === id);
	if (settings === undefined) return config;
	// Note: when discovery fails, Auth.js's own discovery (the same request) fails too, and
	// the sign-in page reports it.
	const method = await providerEndpoints(settings).then(
		(endpoints) => endpoints.clientAuthMethod,
		() => settings.clientAuth
	);
	return {
		...config,
		providers: providers.map((other) =>
			toAuthProvider(other, other === settings ? method : undefined)
		)
	};
}
