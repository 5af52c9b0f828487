import { createServer, type Server, type Socket } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { startIdp, type Idp } from '$idp/provider.js';
import { obtainTokens, providerEnv, revokeToken } from '$idp/testing.js';
import type { ProviderId } from '$lib/auth/types';
import { listAuditEvents } from '../audit';
import { db } from '../db';
import { accounts } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { readAccessToken } from './access-token';
import { createAdapter } from './adapter';
import { RefreshTokenError } from './errors';
import { readProviderSettings } from './providers';
import { TokenRotator } from './rotation';
import { refreshSessionAccounts } from './session-refresh';
import { configureTokenServices, type TokenServices } from './tokens';

const APP = 'http://127.0.0.1:5173';
const SECRET = 'rotation-test-secret';

let idp: Idp;
let services: TokenServices;
let env: Record<string, string>;
/** Every refresh_token grant the IdP answered, and how. */
let refreshes: { provider: string; ok: boolean; error?: string }[] = [];
const logged: string[] = [];

beforeAll(async () => {
	idp = await startIdp({ appOrigins: [APP], googlePort: 0, githubPort: 0 });
	idp.onTokenEndpoint((event) => {
		if (event.grantType === 'refresh_token') {
			refreshes.push({ provider: event.provider, ok: event.ok, error: event.error });
		}
	});
	env = {
		AUTH_SECRET: SECRET,
		...providerEnv(idp)
	};
	services = configureTokenServices(env);
	vi.spyOn(console, 'info').mockImplementation((line: string) => void logged.push(line));
});
afterEach(() => {
	refreshes = [];
});
afterAll(async () => {
	vi.restoreAllMocks();
	await idp?.close();
});

let logins = 0;
/** A user whose `provider` account holds real tokens from the local IdP, already expired. */
async function linkExpiredAccount(provider: ProviderId) {
	const user = await createUser();
	const login = `rotation-${process.pid}-${++logins}`;
	const tokens = await obtainTokens(idp, provider, login, APP);
	const account = {
		userId: user.id,
		type: provider === 'google' ? ('oidc' as const) : ('oauth' as const),
		provider,
		providerAccountId: login,
		access_token: tokens.access_token,
		refresh_token: tokens.refresh_token,
		...(tokens.id_token !== undefined && { id_token: tokens.id_token }),
		expires_at: Math.floor(Date.now() / 1000) - 1,
		token_type: tokens.token_type.toLowerCase() as Lowercase<string>,
		scope: tokens.scope
	};
	await createAdapter(services.cipher).linkAccount!(account);
	return { user, account, tokens };
}

async function storedRefreshToken(providerAccountId: string) {
	const [row] = await db
		.select({ refreshToken: accounts.refresh_token })
		.from(accounts)
		.where(eq(accounts.providerAccountId, providerAccountId));
	return row?.refreshToken ? services.cipher.decrypt(row.refreshToken) : null;
}

async function expire(account: { provider: ProviderId; providerAccountId: string }) {
	await db
		.update(accounts)
		.set({ expires_at: Math.floor(Date.now() / 1000) - 1 })
		.where(
			and(
				eq(accounts.provider, account.provider),
				eq(accounts.providerAccountId, account.providerAccountId)
			)
		);
}

describeWithDatabases('token rotation', () => {
	it('50 concurrent token reads and session checks after expiry make exactly 1 refresh', async () => {
		const { user, account, tokens } = await linkExpiredAccount('google');
		const sessionToken = {
			sub: user.id,
			accounts: [
				{
					provider: 'google' as const,
					providerAccountId: account.providerAccountId,
					expiresAt: account.expires_at
				}
			]
		};

		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				i % 2 === 0
					? readAccessToken(user.id, 'google').then((token) => token.value)
					: refreshSessionAccounts(structuredClone(sessionToken), services.rotator)
			)
		);

		expect(refreshes).toEqual([{ provider: 'google', ok: true, error: undefined }]);
		const values = new Set(results.filter((result) => typeof result === 'string'));
		expect(values.size).toBe(1);
		expect(values.has(tokens.access_token)).toBe(false);
		for (const session of results.filter((result) => typeof result !== 'string')) {
			expect(session.error).toBeUndefined();
			expect(session.accounts?.[0]?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 60);
		}
		expect(await storedRefreshToken(account.providerAccountId)).not.toBe(tokens.refresh_token);
	});

	it('two instances racing for the same account make one refresh: the row lock decides', async () => {
		const { user, account } = await linkExpiredAccount('github');
		// Separate rotators share no in-flight map, just like two server processes.
		const providers = readProviderSettings(env);
		const options = { cipher: services.cipher, providers, skewMs: 60_000, timeoutMs: 5_000 };
		const [first, second] = [new TokenRotator(options), new TokenRotator(options)];

		const outcomes = await Promise.all(
			Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).ensureFresh(account))
		);

		// One rotator's callers share its refresh; the other's waited for the lock, then found
		// the row already fresh.
		expect(refreshes).toHaveLength(1);
		const statuses = outcomes.map((outcome) => outcome.status);
		expect(statuses.filter((status) => status === 'rotated')).toHaveLength(5);
		expect(statuses.filter((status) => status === 'fresh')).toHaveLength(5);
		expect((await readAccessToken(user.id, 'github')).rotatedAt).toBeInstanceOf(Date);
	});

	it('rotates once per expiry, five times in a row, with a new refresh token each time', async () => {
		const { user, account, tokens } = await linkExpiredAccount('github');
		const seen = new Set([tokens.refresh_token]);
		for (let round = 1; round <= 5; round++) {
			await expire(account);
			await Promise.all([readAccessToken(user.id, 'github'), readAccessToken(user.id, 'github')]);
			expect(refreshes).toHaveLength(round);
			seen.add((await storedRefreshToken(account.providerAccountId))!);
			expect(seen.size).toBe(round + 1);
		}
		expect(refreshes.every((refresh) => refresh.ok)).toBe(true);
	});

	it('a grant revoked at the provider flags the session and never resends the dead token', async () => {
		const { user, account, tokens } = await linkExpiredAccount('google');
		await revokeToken(idp, 'google', tokens.refresh_token);

		await expect(readAccessToken(user.id, 'google')).rejects.toThrow(RefreshTokenError);
		const session = await refreshSessionAccounts(
			{ sub: user.id, accounts: [{ ...account, expiresAt: account.expires_at }] },
			services.rotator
		);
		expect(session.error).toBe('RefreshTokenError');
		expect(refreshes).toEqual([{ provider: 'google', ok: false, error: 'invalid_grant' }]);
		expect(await storedRefreshToken(account.providerAccountId)).toBeNull();
		// The refusal is in the user's audit log, once.
		const events = await listAuditEvents(user.id);
		expect(events.map(({ event, detail }) => [event, detail])).toEqual([
			['refresh_failed', 'google']
		]);
	});

	it('a token without expiry (classic GitHub OAuth app) is used as is', async () => {
		const user = await createUser();
		await createAdapter(services.cipher).linkAccount!({
			userId: user.id,
			type: 'oauth',
			provider: 'github',
			providerAccountId: `classic-${user.id}`,
			access_token: 'gho_classic',
			token_type: 'bearer'
		});
		expect((await readAccessToken(user.id, 'github')).value).toBe('gho_classic');
		expect(refreshes).toEqual([]);
	});

	it('logs one structured line per refresh, with no token in it', async () => {
		logged.length = 0;
		const { user, tokens } = await linkExpiredAccount('google');
		const fresh = await readAccessToken(user.id, 'google');

		const lines = logged.map((line) => JSON.parse(line));
		expect(lines).toEqual([
			expect.objectContaining({ event: 'token_refresh', provider: 'google', outcome: 'rotated' })
		]);
		expect(lines[0].durationMs).toBeTypeOf('number');
		for (const secret of [tokens.access_token, tokens.refresh_token, fresh.value]) {
			expect(logged.join('\n')).not.toContain(secret);
		}
	});
});

describeWithDatabases('token rotation when the provider is down or slow', () => {
	let silent: Server;
	const hung: Socket[] = [];
	let silentUrl: string;
	beforeAll(async () => {
		// Accepts connections and never answers: a hung provider.
		silent = createServer((socket) => void hung.push(socket));
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
	});
	afterAll(() => {
		for (const socket of hung) socket.destroy();
		return new Promise((resolve) => silent.close(resolve));
	});

	for (const [what, baseUrl] of [
		['unreachable', () => 'http://127.0.0.1:9'],
		['hanging', () => silentUrl]
	] as const) {
		it(`keeps the session when the provider is ${what}, and gives up within the timeout`, async () => {
			const { user, account } = await linkExpiredAccount('github');
			const providers = readProviderSettings({ ...env, AUTH_GITHUB_ENTERPRISE_URL: baseUrl() });
			const rotator = new TokenRotator({
				cipher: services.cipher,
				providers,
				skewMs: 60_000,
				timeoutMs: 300
			});
			const session = { sub: user.id, accounts: [{ ...account, expiresAt: account.expires_at }] };

			const started = Date.now();
			const result = await refreshSessionAccounts(session, rotator);
			expect(Date.now() - started).toBeLessThan(2_000);
			expect(result.error).toBeUndefined();
			expect(result.accounts).toEqual(session.accounts);
			expect(await storedRefreshToken(account.providerAccountId)).not.toBeNull();
		});
	}
});
