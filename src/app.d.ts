import type { ProviderId, SessionError, SessionUser } from '$lib/auth/types';
import type { SessionAccount } from '$lib/server/tokens/life';

declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			/** Every service of the app, built once at start (see `$lib/server/app`). */
			app: import('$lib/server/app/create-app').App;
		}
		interface PageData {
			session: import('@auth/core/types').Session | null;
		}
	}
}

declare module '@auth/core/types' {
	interface Session {
		user: SessionUser;
		/** The providers linked to the user. */
		providers: ProviderId[];
		error?: SessionError;
		/** The `user_sessions` row of this sign-in (server side; the layout does not send it). */
		sessionId?: string;
		/** When this browser last signed in at the provider (epoch seconds; server side). */
		authenticatedAt?: number;
	}
}

declare module '@auth/core/jwt' {
	interface JWT {
		/** References to the user's accounts: never a token (those stay in the database). */
		accounts?: SessionAccount[];
		error?: SessionError;
		/** This sign-in's `user_sessions` row, and when it was last found live (epoch seconds). */
		sid?: string;
		sidCheckedAt?: number;
		/**
		 * When this browser last signed in at a provider (epoch seconds): the session's absolute
		 * end and its freshness count from it (see `$lib/server/session/lifetime.ts`).
		 */
		authAt?: number;
	}
}
