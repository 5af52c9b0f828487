import type { SvelteKitAuthConfig } from '@auth/sveltekit';
import { PATHS } from '$lib/paths';
import { safeRedirect } from '$lib/redirect';
import { listSessionAccounts, storeAccountTokens } from '$lib/server/auth/accounts';
import { createAdapter } from '$lib/server/auth/adapter';
import { authLogger } from '$lib/server/auth/logger';
import { readProviderSettings, toAuthProvider } from '$lib/server/auth/providers';
import { toSession } from '$lib/server/auth/session';
import { readRequestClaims } from '$lib/server/auth/session-reader';
import { refreshSessionAccounts } from '$lib/server/auth/session-refresh';
import { tokenServices } from '$lib/server/auth/tokens';
import { isHostTrusted, requireSecret } from '$lib/server/config';
import { recordAuditEvent } from '$lib/server/audit';
import {
	checkUserSession,
	continueOrStartSession,
	endUserSession
} from '$lib/server/auth/user-sessions';
import { findProfile } from '$lib/server/profile';
import { currentClient } from '$lib/server/request-client';

type Env = Record<string, string | undefined>;

/** The Auth.js configuration, built once from env after the database is connected. */
export function createAuthConfig(env: Env): SvelteKitAuthConfig {
	const secret = requireSecret(env);
	const { cipher, rotator, session } = tokenServices();
	return {
		secret,
		trustHost: isHostTrusted(env),
		adapter: createAdapter(cipher),
		providers: readProviderSettings(env).map(toAuthProvider),
		session: {
			strategy: 'jwt',
			maxAge: session.maxAgeSeconds,
			updateAge: session.updateAgeSeconds
		},
		// Auth.js's own token format, with the key derived once and decoded tokens memoized.
		jwt: { encode: session.codec.encode, decode: session.codec.decode },
		pages: { signIn: PATHS.signIn, error: PATHS.signIn },
		logger: authLogger,
		callbacks: {
			async jwt({ token, user, account, trigger }) {
				// Note: a decoded token is frozen (see session-token.ts): changes make a new one.
				if (account) {
					// Sign-in, or linking a provider while signed in (Auth.js linked it to the user of
					// the request's cookie): the cookie keeps a reference to the user; the tokens go to
					// the database.
					await storeAccountTokens(account, cipher);
					const current = await readRequestClaims();
					const sid = await continueOrStartSession(
						user.id!,
						current,
						account.provider,
						currentClient()
					);
					const accounts = await listSessionAccounts(user.id!);
					return { ...token, accounts, sid, sidCheckedAt: Math.floor(Date.now() / 1000) };
				}
				// A revoked or unknown session signs out, checked at most once per interval.
				const checked = await checkUserSession(token, session.checkIntervalSeconds);
				if (checked === null) return null;
				token = checked;
				if (trigger === 'update' && token.sub) {
					// Note: the posted data is ignored; the database is the source of truth.
					const profile = await findProfile(token.sub);
					if (profile === null) return null;
					const accounts = await listSessionAccounts(token.sub);
					token = { ...token, name: profile.name, picture: profile.image, accounts };
				}
				return refreshSessionAccounts(token, rotator, currentClient());
			},
			session: ({ session, token }) => toSession(token, session.expires),
			redirect: ({ url, baseUrl }) => new URL(safeRedirect(url, baseUrl), baseUrl).href
		},
		events: {
			linkAccount: ({ user, account }) =>
				recordAuditEvent(user.id!, 'account_linked', currentClient(), account.provider),
			// Auth.js's own sign-out (POST /auth/signout) ends the session exactly as /signout does.
			signOut: async (message) => {
				const token = 'token' in message ? message.token : null;
				if (token?.sub && token.sid) await endUserSession(token.sub, token.sid, currentClient());
			}
		}
	};
}
