import type { JWT } from '@auth/core/jwt';
import type { SvelteKitAuthConfig } from '@auth/sveltekit';
import type { RequestEvent } from '@sveltejs/kit';
import { omit } from 'lodash-es';
import { getRequestEvent } from '$app/server';
import { safeRedirect } from '$lib/redirect';
import { recordAuditEvent } from '../audit/audit-log';
import { requestClient, type RequestClient } from '../http/request-client';
import { updateSessionClaims, type ClaimsServices } from '../session/claims';
import { checkProviderSignIn } from '../session/fresh-links';
import { absoluteEndOf } from '../session/lifetime';
import { endUserSession } from '../session/revocation';
import type { TokenStore } from '../tokens/forget';
import type { SessionPolicy } from './codec';
import { toSession } from './cookies';
import { readCookieClaims, readLiveCookieClaims } from './reader';

/** What the callbacks work with: the session's services, and the stored tokens. */
type AuthServices = ClaimsServices & TokenStore & { session: SessionPolicy };

/**
 * Auth.js's callbacks: who may sign in while signed in (`checkProviderSignIn`), the cookie's
 * claims (`updateSessionClaims`), the page's session, redirects.
 */
export function callbacks(app: AuthServices): SvelteKitAuthConfig['callbacks'] {
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

export function events(app: AuthServices): SvelteKitAuthConfig['events'] {
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
async function readCurrentCookieClaims(app: AuthServices): Promise<JWT | null> {
	const event = currentEvent();
	return event && readCookieClaims(app.session, event.cookies, event.url);
}

/** True when the current request's session cookie is a live session of `userId` right now. */
export async function isLiveSessionOf(app: AuthServices, userId: string): Promise<boolean> {
	const event = currentEvent();
	const live = event && (await readLiveCookieClaims(app, event.cookies, event.url));
	return live?.sub === userId;
}
