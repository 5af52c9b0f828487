import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JWT } from '@auth/core/jwt';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { revokeToken } from '$idp/testkit/flows.js';
import { listAuditEvents } from '../../audit/audit-log';
import { accounts } from '../../db/schema';
import { describeWithDatabases, describeWithDatabasesAndPooler } from '../../testing/databases';
import { createUser } from '../../testing/factories';
import {
	anotherInstance,
	expireAccessToken,
	linkAccountWithTokens,
	storedRefreshToken,
	uniqueLogin,
	useLocalIdp
} from '../../testing/provider-accounts';
import { readAccessToken } from '../access-token';
import { listSessionAccounts } from '../accounts';
import { createAdapter } from '../../authjs/adapter';
import { RefreshTokenError } from '../errors';
import { readProviderSettings } from '../../providers/settings';
import { SettledRefreshes, TokenRotator } from './token-rotator';
import { renewDueAccounts } from '../renew-due-accounts';

const local = useLocalIdp();
const logged: string[] = [];
beforeAll(() => {
	vi.spyOn(console, 'info').mockImplementation((line: string) => void logged.push(line));
});
afterAll(() => vi.restoreAllMocks());

describeWithDatabasesAndPooler(
	'token rotation',
	(app) => {
		it('50 concurrent token reads and session checks after expiry make exactly 1 refresh', async () => {
			const { user, account, tokens } = await linkAccountWithTokens(app, local, 'google');
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
						? readAccessToken(app, user.id, 'google').then((token) => token.value)
						: renewDueAccounts(structuredClone(sessionToken), app.rotator, null)
				)
			);

			expect(local.refreshes).toEqual([{ provider: 'google', ok: true, error: undefined }]);
			const values = new Set(results.filter((result) => typeof result === 'string'));
			expect(values.size).toBe(1);
			expect(values.has(tokens.access_token)).toBe(false);
			for (const session of results.filter((result) => typeof result !== 'string')) {
				expect(session.error).toBeUndefined();
				expect(session.accounts?.[0]?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 60);
			}
			expect(await storedRefreshToken(app, account.providerAccountId)).not.toBe(
				tokens.refresh_token
			);
		});

		it('two instances racing for the same account make one refresh: the lease decides', async () => {
			const { user, account } = await linkAccountWithTokens(app, local, 'github');
			// Separate rotators share no in-flight map, just like two server processes.
			const [first, second] = [anotherInstance(app), anotherInstance(app)];

			const outcomes = await Promise.all(
				Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).ensureFresh(account))
			);

			// One rotator's callers share its refresh; the other's waited for the lease, then found
			// the row already fresh.
			expect(local.refreshes).toHaveLength(1);
			const statuses = outcomes.map((outcome) => outcome.status);
			expect(statuses.filter((status) => status === 'rotated')).toHaveLength(5);
			expect(statuses.filter((status) => status === 'fresh')).toHaveLength(5);
			expect((await readAccessToken(app, user.id, 'github')).rotatedAt).toBeInstanceOf(Date);
		});

		it('rotates once per expiry, five times in a row, with a new refresh token each time', async () => {
			const { user, account, tokens } = await linkAccountWithTokens(app, local, 'github');
			const seen = new Set([tokens.refresh_token]);
			for (let round = 1; round <= 5; round++) {
				await expireAccessToken(app.db, account);
				await Promise.all([
					readAccessToken(app, user.id, 'github'),
					readAccessToken(app, user.id, 'github')
				]);
				expect(local.refreshes).toHaveLength(round);
				seen.add((await storedRefreshToken(app, account.providerAccountId))!);
				expect(seen.size).toBe(round + 1);
			}
			expect(local.refreshes.every((refresh) => refresh.ok)).toBe(true);
		});

		it('a grant revoked at the provider flags the session and never resends the dead token', async () => {
			const { user, account, tokens } = await linkAccountWithTokens(app, local, 'google');
			await revokeToken(local.idp, 'google', tokens.refresh_token);

			await expect(readAccessToken(app, user.id, 'google')).rejects.toThrow(RefreshTokenError);
			const session = await renewDueAccounts(
				{ sub: user.id, accounts: [{ ...account, expiresAt: account.expires_at }] },
				app.rotator,
				null
			);
			expect(session.error).toBe('RefreshTokenError');
			expect(local.refreshes).toEqual([{ provider: 'google', ok: false, error: 'invalid_grant' }]);
			expect(await storedRefreshToken(app, account.providerAccountId)).toBeNull();
			// The refusal is in the user's audit log, once.
			const events = await listAuditEvents(app.db, user.id);
			expect(events.map(({ event, detail }) => [event, detail])).toEqual([
				['refresh_failed', 'google']
			]);
		});

		it('one refresh policy: nothing while not due, a background refresh when due, a wait when expired or told to', async () => {
			const providers = readProviderSettings(local.env);
			const rotator = new TokenRotator({
				database: app.database,
				cipher: app.cipher,
				providers,
				skewMs: 60_000,
				timeoutMs: 5_000
			});
			const { account } = await linkAccountWithTokens(app, local, 'github', { expiresIn: 3600 });
			const now = Math.floor(Date.now() / 1000);
			const key = { provider: 'github' as const, providerAccountId: account.providerAccountId };

			expect(rotator.refreshAsNeeded({ ...key, expiresAt: now + 3600, issuedAt: now })).toBeNull();
			expect(
				await rotator.refreshAsNeeded(
					{ ...key, expiresAt: now + 3600, issuedAt: now },
					{ mustWait: true }
				)
			).toMatchObject({ status: 'fresh' });
			expect(local.refreshes).toEqual([]);

			// In the last quarter of its window: used as it is, renewed behind it.
			const due = { expiresAt: now + 10, issuedAt: now - 3590 };
			await app.db
				.update(accounts)
				.set({ expires_at: due.expiresAt, tokenIssuedAt: due.issuedAt })
				.where(eq(accounts.providerAccountId, key.providerAccountId));
			expect(rotator.refreshAsNeeded({ ...key, ...due })).toBeNull();
			await vi.waitFor(() => expect(local.refreshes).toHaveLength(1));
			// Its answer stored: an expired token now asks for a refresh of its own.
			await rotator.drain();

			await expireAccessToken(app.db, key);
			const expired = rotator.refreshAsNeeded({ ...key, expiresAt: now - 1, issuedAt: now - 3601 });
			expect(await expired).toMatchObject({ status: 'rotated' });
			expect(local.refreshes).toHaveLength(2);
			await rotator.drain();
		});

		it('a token without expiry (classic GitHub OAuth app) is used as is', async () => {
			const user = await createUser(app.db);
			await createAdapter(app.db, app.cipher).linkAccount!({
				userId: user.id,
				type: 'oauth',
				provider: 'github',
				providerAccountId: `classic-${user.id}`,
				access_token: 'gho_classic',
				token_type: 'bearer'
			});
			expect((await readAccessToken(app, user.id, 'github')).value).toBe('gho_classic');
			expect(local.refreshes).toEqual([]);
		});

		it('logs one structured line per refresh, with no token and nothing that names the user', async () => {
			logged.length = 0;
			const { user, tokens, account } = await linkAccountWithTokens(app, local, 'google');
			const fresh = await readAccessToken(app, user.id, 'google');

			const lines = logged.map((line) => JSON.parse(line));
			expect(lines).toEqual([
				expect.objectContaining({ event: 'token_refresh', provider: 'google', outcome: 'rotated' })
			]);
			expect(lines[0].durationMs).toBeTypeOf('number');
			const identifying = [user.id, user.email, account.providerAccountId];
			for (const secret of [
				tokens.access_token,
				tokens.refresh_token,
				fresh.value,
				...identifying
			]) {
				expect(logged.join('\n')).not.toContain(secret);
			}
		});
	},
	{ env: () => local.env }
);

describeWithDatabases(
	'token rotation when the provider is down or slow',
	(app) => {
		let silent: Server;
		const hung: Socket[] = [];
		// Connections that carried a refresh_token grant.
		const grants: Socket[] = [];
		let silentUrl: string;
		beforeAll(async () => {
			// Accepts connections and never answers: a hung provider.
			silent = createServer((socket) => {
				hung.push(socket);
				socket.on('data', (data) => {
					if (String(data).includes('grant_type=refresh_token')) grants.push(socket);
				});
			});
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
			it(`keeps the session when the provider is ${what}, and the request gives up within its wait`, async () => {
				const { user, account } = await linkAccountWithTokens(app, local, 'github');
				const providers = readProviderSettings({
					...local.env,
					AUTH_GITHUB_ENTERPRISE_URL: baseUrl()
				});
				const rotator = new TokenRotator({
					database: app.database,
					cipher: app.cipher,
					providers,
					skewMs: 60_000,
					timeoutMs: 300,
					hardLimitMs: 1_000
				});
				const session = { sub: user.id, accounts: [{ ...account, expiresAt: account.expires_at }] };

				const before = grants.length;
				const started = Date.now();
				const result = await renewDueAccounts(session, rotator, null);
				expect(Date.now() - started).toBeLessThan(2_000);
				expect(result.error).toBeUndefined();
				expect(result.accounts).toEqual(session.accounts);
				expect(await storedRefreshToken(app, account.providerAccountId)).not.toBeNull();

				// The refresh goes on to its hard limit. Unreachable, nothing was sent: the token is
				// kept for a later try. Hanging, it was sent twice and never answered: its fate is
				// unknown, so it is never sent again and the account asks to be reconnected.
				await rotator.drain();
				const stored = await storedRefreshToken(app, account.providerAccountId);
				if (what === 'unreachable') expect(stored).not.toBeNull();
				else expect([stored, grants.length - before]).toEqual([null, 2]);
			});
		}
	},
	{ env: () => local.env }
);

describeWithDatabases(
	'a refresh window that fits short-lived tokens',
	(app) => {
		it('5 s tokens with default settings make about 1 refresh per expiry, not one per request', async () => {
			const TTL_SECONDS = 5;
			const EXPIRIES = 5;
			const login = uniqueLogin('short');
			local.idp.faults.set({ github: { accessTokenTtlByLogin: { [login]: TTL_SECONDS } } });
			const { user } = await linkAccountWithTokens(app, local, 'github', {
				login,
				expiresIn: TTL_SECONDS
			});
			const rotator = app.rotator;
			let cookie: JWT = { sub: user.id, accounts: await listSessionAccounts(app.db, user.id) };

			// A browser that sends a request every 100 ms and stores every cookie it is given.
			const until = Date.now() + EXPIRIES * TTL_SECONDS * 1000;
			let requests = 0;
			while (Date.now() < until) {
				cookie = await renewDueAccounts(cookie, rotator, null);
				expect(cookie.error).toBeUndefined();
				requests++;
				await sleep(100);
			}

			// Each token is refreshed in its last quarter: at most 4 refreshes per 3 lifetimes.
			expect(requests).toBeGreaterThan(100);
			expect(local.refreshes.length).toBeGreaterThanOrEqual(EXPIRIES - 1);
			expect(local.refreshes.length).toBeLessThanOrEqual(Math.ceil((EXPIRIES * 4) / 3) + 1);
		});
	},
	{ env: () => local.env }
);

const RETRY_MS = 5_000;
const account = { provider: 'github' as const, providerAccountId: '1', expiresAt: 1_000 };

/** A memo on a clock the test moves, where a token is due from 60 s before its expiry. */
function settledRefreshes() {
	const clock = { now: 900_000 };
	const memo = new SettledRefreshes({
		retryMs: RETRY_MS,
		now: () => clock.now,
		isDue: ({ expiresAt }) => expiresAt !== null && expiresAt * 1000 - 60_000 <= clock.now
	});
	return { memo, clock };
}

describe('SettledRefreshes', () => {
	it('answers with a rotated token until that token is due in turn', () => {
		const { memo, clock } = settledRefreshes();
		const rotated = { status: 'rotated' as const, expiresAt: 2_000, issuedAt: 1_000 };
		memo.remember(account, account.expiresAt, rotated);

		expect(memo.recall(account)).toEqual(rotated);
		clock.now = 1_940_000;
		expect(memo.recall(account)).toBeNull();
	});

	it('applies a refusal only to the token its refresh started from', () => {
		const { memo } = settledRefreshes();
		memo.remember(account, account.expiresAt, { status: 'rejected' });

		expect(memo.recall(account)).toEqual({ status: 'rejected' });
		// A later sign-in brought a newer token: the old refusal says nothing about it.
		expect(memo.recall({ ...account, expiresAt: 5_000 })).toBeNull();
	});

	it('holds an outage for the retry pause, then lets the account be tried again', () => {
		const { memo, clock } = settledRefreshes();
		memo.remember(account, account.expiresAt, { status: 'unavailable' });

		clock.now += RETRY_MS - 1;
		expect(memo.recall(account)).toEqual({ status: 'unavailable' });
		clock.now += 1;
		expect(memo.recall(account)).toBeNull();
	});

	it('knows nothing of an account it has not refreshed', () => {
		expect(settledRefreshes().memo.recall(account)).toBeNull();
	});
});
