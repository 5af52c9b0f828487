import type { ProviderId, SessionUser } from '$lib/auth/types';

declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			/** Set by `handleError` when a request failed because the database is unreachable. */
			databaseUnavailable?: boolean;
		}
		interface PageData {
			session: import('@auth/core/types').Session | null;
		}
	}
}

declare module '@auth/core/types' {
	interface Session {
		user: SessionUser;
		/** The providers linked to the user when the session was issued. */
		providers: ProviderId[];
	}
}

declare module '@auth/core/jwt' {
	interface JWT {
		providers?: ProviderId[];
	}
}
