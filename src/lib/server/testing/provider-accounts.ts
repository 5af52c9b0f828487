import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startIdp, type Idp } from '$idp/provider.js';
import { providerEnv } from '$idp/testkit/clients.js';
import { obtainTokens } from '$idp/testkit/flows.js';
import type { ProviderId } from '$lib/auth/types';
import { createAdapter } from '../authjs/adapter';
import type { Services } from '../app/create-app';
import { TokenRotator, type RotatorOptions } from '../tokens/rotation/token-rotator';
import type { Database } from '../db';
import { accounts } from '../db/schema';
import { createUser } from './factories';

const APP = 'http://127.0.0.1:5173';

/** The local IdP of a test file, the env that configures the app against it, and its refreshes. */
export interface LocalIdp {
	idp: Idp;
	env: Record<string, string>;
	/** Every refresh_token grant the IdP answered since the last test began, and how. */
	refreshes: { provider: string; ok: boolean; error?: string }[];
}

/**
 * Starts the local IdP for the test file; pass `{ env: () => local.env }` to
 * `describeWithDatabases` for an app configured against it. Before each test its fault knobs are reset and `refreshes` is emptied.
 */
export function useLocalIdp(): LocalIdp {
	const local = { refreshes: [] } as unknown as LocalIdp;
	beforeAll(async () => {
		local.idp = await startIdp({ appOrigins: [APP], googlePort: 0, githubPort: 0 });
		local.idp.onTokenEndpoint((event) => {
			if (event.grantType !== 'refresh_token') return;
			local.refreshes.push({ provider: event.provider, ok: event.ok, error: event.error });
		});
		local.env = providerEnv(local.idp);
	});
	afterEach(() => {
		local.refreshes.length = 0;
		local.idp.faults.reset();
	});
	afterAll(() => local.idp?.close());
	return local;
}

let logins = 0;

/** A login no other test uses. */
export function uniqueLogin(prefix: string): string {
	return `${prefix}-${process.pid}-${++logins}`;
}

/**
 * A user whose `provider` account holds real tokens from the local IdP, stored as the adapter
 * stores them, with the access token expiring `expiresIn` seconds from now (already expired by
 * default).
 */
export async function linkAccountWithTokens(
	app: Services,
	local: LocalIdp,
	provider: ProviderId,
	{ login = uniqueLogin('rotation'), expiresIn = -1 } = {}
) {
	const user = await createUser(app.db);
	const tokens = await obtainTokens(local.idp, provider, login, APP);
	const account = {
		userId: user.id,
		type: provider === 'github' ? ('oauth' as const) : ('oidc' as const),
		provider,
		providerAccountId: login,
		access_token: tokens.access_token,
		refresh_token: tokens.refresh_token,
		...(tokens.id_token !== undefined && { id_token: tokens.id_token }),
		expires_at: Math.floor(Date.now() / 1000) + expiresIn,
		token_type: tokens.token_type.toLowerCase() as Lowercase<string>,
		scope: tokens.scope
	};
	await createAdapter(app.db, app.cipher).linkAccount!(account);
	return { user, account, tokens };
}

/** The refresh token stored for the account, decrypted (null when there is none). */
export async function storedRefreshToken({ db, cipher }: Services, providerAccountId: string) {
	const [row] = await db
		.select({ refreshToken: accounts.refresh_token })
		.from(accounts)
		.where(eq(accounts.providerAccountId, providerAccountId));
	return row?.refreshToken ? cipher.decrypt(row.refreshToken) : null;
}

/** Makes the account's stored access token expire `secondsAgo` seconds ago. */
export async function expireAccessToken(
	db: Database,
	account: { provider: ProviderId; providerAccountId: string },
	secondsAgo = 1
) {
	await db
		.update(accounts)
		.set({ expires_at: Math.floor(Date.now() / 1000) - secondsAgo })
		.where(
			and(
				eq(accounts.provider, account.provider),
				eq(accounts.providerAccountId, account.providerAccountId)
			)
		);
}

/**
 * A rotator of its own over the suite's database, as another process or instance would have:
 * it shares no in-flight refresh and no memo with `app.rotator`, only the database.
 */
export function anotherInstance(app: Services, options: Partial<RotatorOptions> = {}) {
	return new TokenRotator({
		database: app.database,
		cipher: app.cipher,
		providers: app.providers,
		skewMs: 60_000,
		timeoutMs: 5_000,
		...options
	});
}
