import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startIdp, type Idp } from '$idp/provider.js';
import { providerEnv } from '$idp/testkit/clients.js';
import { obtainTokens } from '$idp/testkit/flows.js';
import { listAuditEvents, recordAuditEvent } from '../audit/audit-log';
import { createAdapter } from '../authjs/adapter';
import { rotateConnectionTokens } from './connections';
import type { Services } from '../app/create-app';
import type { Database } from '../db';
import { accounts } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { readTokenHistory, ROTATIONS_SHOWN } from './token-history';

const APP = 'http://127.0.0.1:5173';

let idp: Idp;
let refreshes = 0;

beforeAll(async () => {
	idp = await startIdp({ appOrigins: [APP], googlePort: 0, githubPort: 0 });
	idp.onTokenEndpoint((event) => {
		if (event.grantType === 'refresh_token' && event.ok) refreshes++;
	});
	// Note: the rotator logs one line per refresh; these tests read the audit log instead.
	vi.spyOn(console, 'info').mockImplementation(() => {});
});
afterAll(async () => {
	vi.restoreAllMocks();
	await idp?.close();
});

let logins = 0;
/**
 * A user signed in with GitHub: real tokens from the local IdP, and the sign-in in the audit
 * log as the jwt callback records it. The stored expiry is `expiresIn` seconds away.
 */
async function signInWithGitHub(app: Services, expiresIn: number) {
	const user = await createUser(app.db);
	const login = `history-${process.pid}-${++logins}`;
	const tokens = await obtainTokens(idp, 'github', login, APP);
	await createAdapter(app.db, app.cipher).linkAccount!({
		userId: user.id,
		type: 'oauth',
		provider: 'github',
		providerAccountId: login,
		access_token: tokens.access_token,
		refresh_token: tokens.refresh_token,
		expires_at: Math.floor(Date.now() / 1000) + expiresIn,
		token_type: 'bearer'
	});
	await recordAuditEvent(app.db, user.id, 'sign_in', null, 'github');
	return user;
}

async function storedAccount(db: Database, userId: string) {
	const [row] = await db.select().from(accounts).where(eq(accounts.userId, userId));
	return row!;
}

describeWithDatabases(
	'token history',
	(app) => {
		it('a forced refresh rotates a fresh token, moves its expiry and logs token_refreshed', async () => {
			// Fresh for two more minutes: no ordinary read would refresh it.
			const user = await signInWithGitHub(app, 120);
			const before = await storedAccount(app.db, user.id);
			refreshes = 0;

			const expiresAt = await rotateConnectionTokens(app, user.id, 'github', null);

			expect(refreshes).toBe(1);
			const after = await storedAccount(app.db, user.id);
			expect(after.access_token).not.toBe(before.access_token);
			expect(after.expires_at).toBe(expiresAt);
			expect(after.expires_at).toBeGreaterThan(before.expires_at!);
			const [latest] = await listAuditEvents(app.db, user.id);
			expect(latest).toMatchObject({ event: 'token_refreshed', detail: 'github' });
			// Logged at the moment the row says it rotated, not when its transaction began.
			expect(latest!.at).toEqual(after.rotatedAt);
		});

		it('the history starts at the sign-in and lists the rotations since, newest first', async () => {
			const user = await signInWithGitHub(app, 300);
			const [signIn] = await listAuditEvents(app.db, user.id);
			expect(await readTokenHistory(app.db, user.id, 'github', null)).toEqual({
				signedInAt: signIn!.at,
				rotations: [],
				issuedAt: signIn!.at
			});

			await rotateConnectionTokens(app, user.id, 'github', null);
			const first = (await storedAccount(app.db, user.id)).rotatedAt!;
			await rotateConnectionTokens(app, user.id, 'github', null);
			const second = (await storedAccount(app.db, user.id)).rotatedAt!;

			expect(await readTokenHistory(app.db, user.id, 'github', second)).toEqual({
				signedInAt: signIn!.at,
				rotations: [second, first],
				issuedAt: second
			});
		});

		it(`shows at most ${ROTATIONS_SHOWN} rotations, and a new sign-in starts a new chain`, async () => {
			const user = await signInWithGitHub(app, 300);
			for (let i = 0; i <= ROTATIONS_SHOWN; i++)
				await rotateConnectionTokens(app, user.id, 'github', null);
			const rotatedAt = (await storedAccount(app.db, user.id)).rotatedAt;

			const long = await readTokenHistory(app.db, user.id, 'github', rotatedAt);
			expect(long.rotations).toHaveLength(ROTATIONS_SHOWN);
			expect(long.rotations[0]).toEqual(rotatedAt);
			// The sign-in lies beyond what is read: the drawing starts at the oldest rotation shown.
			expect(long.signedInAt).toBeNull();

			// Signing in again stores new tokens but leaves rotatedAt: the sign-in issued this token.
			await recordAuditEvent(app.db, user.id, 'sign_in', null, 'github');
			const [signIn] = await listAuditEvents(app.db, user.id);
			expect(await readTokenHistory(app.db, user.id, 'github', rotatedAt)).toEqual({
				signedInAt: signIn!.at,
				rotations: [],
				issuedAt: signIn!.at
			});
		});
	},
	{ env: () => providerEnv(idp) }
);
