import type { JWT } from '@auth/core/jwt';
import type { SvelteKitAuthConfig } from '@auth/sveltekit';
import type { RequestEvent } from '@sveltejs/kit';
import { omit } from 'lodash-es';
import { getRequestEvent } from '$app/server';
import { PATHS } from '$lib/paths';
import { safeRedirect } from '$lib/redirect';
import { createAdapter, refuseLinksWithoutLiveSession } from '$lib/server/tokens/adapter';
import { authLogger } from '$lib/server/config/authjs-logger';
import { providerEndpoints } from '$lib/server/providers/endpoints';
import { toAuthProvider } from '$lib/server/providers/settings';
import { toSession } from '$lib/server/session/cookies';
import { readCookieClaims, readLiveCookieClaims } from '$lib/server/session/reader';
import type { App } from '$lib/server/app/create-app';
import { recordAuditEvent } from '$lib/server/account/audit';
import { updateSessionClaims } from '$lib/server/session/claims';
import { checkProviderSignIn } from '$lib/server/session/fresh-links';
import { absoluteEndOf } from '$lib/server/session/lifetime';
import { endUserSession } from '$lib/server/session/revocation';
import { requestClient, type RequestClient } from '$lib/server/http/request-client';

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

/**
 * Auth.js's callbacks: who may sign in while signed in (`checkProviderSignIn`), the cookie's
 * claims (`updateSessionClaims`), the page's session, redirects.
 */
function callbacks(app: App): SvelteKitAuthConfig['callbacks'] {
	const { absoluteMaxAgeSeconds, freshAgeSeconds } = app.session;
	const readCurrentClaims = () => readCurrentCookieClaims(app);
	return {
		signIn: async ({ account }) =>
			!account || checkProviderSignIn(app.db, await readCurrentClaims(), account, freshAgeSeconds),
		jwt: ({ token, user, account, trigger }) =>
			updateSessionClaims(
				{ token, user, account, trigger, client: currentClient(), readCurrentClaims },
				app
			),
		// The cookie's `exp` stops at the session's absolute end (the codec), and so does this.
		session: ({ session, token }) => {
			const end = absoluteEndOf(token, absoluteMaxAgeSeconds) ?? Infinity;
			const expires = Math.min(Date.parse(session.expires), end * 1000);
			const built = toSession(token, new Date(expires).toISOString());
			// The row id and the sign-in time are for the server's own reads (`locals.auth()`, the
			// cookie re-issue, the fresh-session guard); the browser's own GET /auth/session gets
			// neither, as the layout sends neither.
			return isAskedByBrowser() ? omit(built, ['sessionId', 'authenticatedAt']) : built;
		},
		redirect: ({ url, baseUrl }) => new URL(safeRedirect(url, baseUrl), baseUrl).href
	};
}

// Auth.js's session endpoint under its default base path, `/auth`.
const SESSION_ENDPOINT = '/auth/session';

function events(app: App): SvelteKitAuthConfig['events'] {
	return {
		linkAccount: ({ user, account }) =>
			recordAuditEvent(app.db, user.id!, 'account_linked', currentClient(), account.provider),
		// Auth.js's own sign-out (POST /auth/signout) ends the session exactly as /signout does.
		signOut: async (message) => {
			const token = 'token' in message ? message.token : null;
			if (token?.sub && token.sid) {
				await endUserSession(app, token.sub, token.sid, currentClient());
			}
		}
	};
}

/**
 * The request an Auth.js callback or event runs in: Auth.js does not pass it, so it comes from
 * SvelteKit's request store. Null outside a request.
 */
function currentEvent(): RequestEvent | null {
	try {
		return getRequestEvent();
	} catch {
		return null;
	}
}

/** True when the browser itself asked Auth.js for the session (`/auth/session`). */
function isAskedByBrowser(): boolean {
	const event = currentEvent();
	return event !== null && !event.isSubRequest && event.url.pathname === SESSION_ENDPOINT;
}

function currentClient(): RequestClient | null {
	const event = currentEvent();
	return event && requestClient(event);
}

/** The claims of the session cookie the current request carries (null: none, or not valid). */
async function readCurrentCookieClaims(app: App): Promise<JWT | null> {
	const event = currentEvent();
	return event && readCookieClaims(app.session, event.cookies, event.url);
}

/** True when the current request's session cookie is a live session of `userId` right now. */
async function isLiveSessionOf(app: App, userId: string): Promise<boolean> {
	const event = currentEvent();
	const live = event && (await readLiveCookieClaims(app, event.cookies, event.url));
	return live?.sub === userId;
}
