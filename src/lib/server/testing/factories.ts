import type { AdapterAccount } from '@auth/core/adapters';
import type { Session } from '@auth/core/types';
import type { RequestEvent } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import type { Services } from '../app/create-app';
import type { Database } from '../db';
import { users, type User } from '../db/schema';
import { startUserSession } from '../session/user-sessions';

export async function createUser(db: Database, overrides: Partial<User> = {}): Promise<User> {
	const id = randomUUID();
	const [user] = await db
		.insert(users)
		.values({ id, name: 'Test User', email: `${id}@example.test`, ...overrides })
		.returning();
	return user!;
}

/** An account as Auth.js hands it to the adapter right after the provider's token response. */
export function buildAccount(
	userId: string,
	overrides: Partial<AdapterAccount> = {}
): AdapterAccount {
	return {
		userId,
		type: 'oauth',
		provider: 'github',
		providerAccountId: randomUUID(),
		access_token: `access-${randomUUID()}`,
		refresh_token: `refresh-${randomUUID()}`,
		expires_at: Math.floor(Date.now() / 1000) + 3600,
		token_type: 'bearer',
		scope: 'read:user user:email',
		...overrides
	};
}

/**
 * A request from a browser signed in as `userId`, in a live session (flagged with `error` if
 * given): enough of a RequestEvent for the guards and `getAccessToken`.
 */
export async function buildSignedInEvent(
	app: Services,
	userId: string,
	error?: Session['error']
): Promise<RequestEvent> {
	const sessionId = await startUserSession(app.db, userId, null);
	const session = { user: { id: userId }, providers: [], sessionId, error, expires: '' };
	return {
		locals: { auth: async () => session, app },
		request: new Request('http://127.0.0.1/'),
		getClientAddress: () => '127.0.0.1'
	} as unknown as RequestEvent;
}

/** Env that configures each provider (the OIDC one at a Keycloak realm), for settings tests. */
export const PROVIDER_ENV = {
	github: { AUTH_GITHUB_ID: 'gh-id', AUTH_GITHUB_SECRET: 'gh-secret' },
	google: { AUTH_GOOGLE_ID: 'g-id', AUTH_GOOGLE_SECRET: 'g-secret' },
	oidc: {
		AUTH_OIDC_ISSUER: 'https://keycloak.example.com/realms/acme/',
		AUTH_OIDC_ID: 'kc-id',
		AUTH_OIDC_SECRET: 'kc-secret'
	}
};
