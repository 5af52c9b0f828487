import type { JWT } from '@auth/core/jwt';
import type { SvelteKitAuthConfig } from '@auth/sveltekit';
import type { RequestEvent } from '@sveltejs/kit';
import { omit } from 'lodash-es';
import { getRequestEvent } from '$app/server';
import { PATHS } from '$lib/paths';
import { safeRedirect } from '$lib/redirect';
import { createAdapter } from '$lib/server/tokens/adapter';
import { authLogger } from '$lib/server/config/authjs-logger';
import { toAuthProvider } from '$lib/server/providers/settings';
import { toSession } from '$lib/server/session/cookies';
import { readCookieClaims } from '$lib/server/session/reader';
import { tokenServices, type TokenServices } from '$lib/server/config/services';
import type { Env } from '$lib/server/config/env';
import { isHostTrusted } from '$lib/server/config/start';
import { recordAuditEvent } from '$lib/server/account/audit';
import { updateSessionClaims } from '$lib/server/session/claims';
import { endUserSession } from '$lib/server/session/revocation';
import { requestClient, type RequestClient } from '$lib/server/http/request-client';

/** The Auth.js configuration, built once from env after the database is connected. */
export function createAuthConfig(env: Env): SvelteKitAuthConfig {
	const services = tokenServices();
	const { cipher, session } = services;
	return {
		// Newest first: Auth.js encrypts with the first and decrypts with any.
		secret: session.secrets,
		trustHost: isHostTrusted(env),
		adapter: createAdapter(cipher),
		providers: services.providers.map(toAuthProvider),
		session: {
			strategy: 'jwt',
			maxAge: session.maxAgeSeconds,
			updateAge: session.updateAgeSeconds
		},
		// Auth.js's own token format, with the key derived once and decoded tokens memoized.
		jwt: { encode: session.codec.encode, decode: session.codec.decode },
		pages: { signIn: PATHS.signIn, error: PATHS.signIn },
		logger: authLogger,
		callbacks: callbacks(services),
		events: EVENTS
	};
}

/** Auth.js's callbacks: the cookie's claims (`updateSessionClaims`), the page's session, redirects. */
function callbacks(services: TokenServices): SvelteKitAuthConfig['callbacks'] {
	return {
		jwt: ({ token, user, account, trigger }) =>
			updateSessionClaims(
				{ token, user, account, trigger, client: currentClient(), readCurrentClaims },
				services
			),
		session: ({ session, token }) => {
			const built = toSession(token, session.expires);
			// The row id is for the server's own reads (`locals.auth()`, the cookie re-issue); the
			// browser's own GET /auth/session gets none, as the layout sends none.
			return isAskedByBrowser() ? omit(built, 'sessionId') : built;
		},
		redirect: ({ url, baseUrl }) => new URL(safeRedirect(url, baseUrl), baseUrl).href
	};
}

// Auth.js's session endpoint under its default base path, `/auth`.
const SESSION_ENDPOINT = '/auth/session';

const EVENTS: SvelteKitAuthConfig['events'] = {
	linkAccount: ({ user, account }) =>
		recordAuditEvent(user.id!, 'account_linked', currentClient(), account.provider),
	// Auth.js's own sign-out (POST /auth/signout) ends the session exactly as /signout does.
	signOut: async (message) => {
		const token = 'token' in message ? message.token : null;
		if (token?.sub && token.sid) await endUserSession(token.sub, token.sid, currentClient());
	}
};

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
async function readCurrentClaims(): Promise<JWT | null> {
	const event = currentEvent();
	return event && readCookieClaims(event.cookies, event.url);
}
