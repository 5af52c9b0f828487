import { setTimeout as sleep } from 'node:timers/promises';
import type { JWT } from '@auth/core/jwt';
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { revokeToken } from '$idp/testkit/flows.js';
import type { Database } from '../../db';
import { accounts, auditEvents } from '../../db/schema';
import { describeWithDatabasesAndPooler } from '../../testing/databases';
import {
	anotherInstance,
	expireAccessToken,
	linkAccountWithTokens,
	storedRefreshToken,
	useLocalIdp
} from '../../testing/provider-accounts';
import { readAccessToken } from '../access-token';
import { findAccount, listSessionAccounts } from '../accounts';
import { claimRefresh, ReleaseSignal, settleRefresh } from './lease';
import { renewDueAccounts } from '../renew-due-accounts';

const local = useLocalIdp();
const PROVIDER_LATENCY_MS = 1_000;

/** How long `work` takes, in milliseconds. */
async function timed(work: () => Promise<unknown>): Promise<number> {
	const started = Date.now();
	await work();
	return Date.now() - started;
}

/**
 * Makes the account's token one issued 5 minutes before its expiry, so that its window is the
 * last minute. A token 10 s from its end is then in the window's last quarter: due, whatever
 * the account's point of the window (`refreshPoint`).
 */
async function inRefreshWindow(
	db: Database,
	account: { providerAccountId: string; expires_at: number }
) {
	await db
		.update(accounts)
		.set({ tokenIssuedAt: account.expires_at - 300 })
		.where(eq(accounts.providerAccountId, account.providerAccountId));
}

describeWithDatabasesAndPooler(
	'rotation that never makes anyone wait',
	(app) => {
		it('a refresh in flight holds no database connection: other users read at once', async () => {
			const { user, account } = await linkAccountWithTokens(app, local, 'github');
			const { user: other } = await linkAccountWithTokens(app, local, 'google', {
				expiresIn: 3600
			});
			local.idp.faults.set({ github: { latencyMs: PROVIDER_LATENCY_MS } });

			const refresh = readAccessToken(app, user.id, 'github');
			await sleep(100);
			// On the embedded database one connection serves everyone: a transaction held across the
			// provider call would queue this read behind it.
			expect(await timed(() => listSessionAccounts(app.db, other.id))).toBeLessThan(300);
			expect((await refresh).expiresAt).toBeGreaterThan(account.expires_at);
			expect(local.refreshes).toHaveLength(1);
		});

		it('two instances with a slow provider make one refresh; the other waits for its result', async () => {
			const { account } = await linkAccountWithTokens(app, local, 'github');
			local.idp.faults.set({ github: { latencyMs: PROVIDER_LATENCY_MS } });
			const [first, second] = [anotherInstance(app), anotherInstance(app)];

			const outcomes = await Promise.all(
				Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).ensureFresh(account))
			);

			expect(local.refreshes).toEqual([{ provider: 'github', ok: true, error: undefined }]);
			const statuses = new Set(outcomes.map(({ status }) => status));
			expect(statuses).toEqual(new Set(['rotated', 'fresh']));
			const [row] = await app.db
				.select()
				.from(accounts)
				.where(eq(accounts.providerAccountId, account.providerAccountId));
			expect(row?.refreshClaimId).toBeNull();
		});

		it('a lease left by a holder that died is taken over once it runs out, with no error', async () => {
			const { user, account } = await linkAccountWithTokens(app, local, 'github');
			await app.db
				.update(accounts)
				.set({
					refreshClaimId: 'a-process-that-died',
					refreshClaimedUntil: sql`now() + interval '1 second'`
				})
				.where(eq(accounts.providerAccountId, account.providerAccountId));
			const rotator = anotherInstance(app, { timeoutMs: 300 });

			// While the dead lease holds, a request waits at most the provider timeout and keeps its
			// session (no refusal, no exception).
			let outcome;
			expect(await timed(async () => (outcome = await rotator.ensureFresh(account)))).toBeLessThan(
				1_000
			);
			expect(outcome).toEqual({ status: 'unavailable' });
			expect(local.refreshes).toEqual([]);

			await sleep(1_100);
			expect((await anotherInstance(app).ensureFresh(account)).status).toBe('rotated');
			expect(local.refreshes).toHaveLength(1);
			expect((await readAccessToken(app, user.id, 'github')).expiresAt).toBeGreaterThan(
				Date.now() / 1000
			);
		});

		it('a holder whose lease was taken over never overwrites the newer tokens', async () => {
			const { account } = await linkAccountWithTokens(app, local, 'github');
			const leases = { db: app.db, releases: new ReleaseSignal(app.database) };
			const slow = await claimRefresh(app.db, account, 10_000);
			expect(slow.status).toBe('claimed');
			// The lease runs out (the holder stalled) and another refresh takes over and stores.
			await app.db
				.update(accounts)
				.set({ refreshClaimedUntil: sql`now() - interval '1 second'` })
				.where(eq(accounts.providerAccountId, account.providerAccountId));
			const takeover = await claimRefresh(app.db, account, 10_000);
			if (takeover.status !== 'claimed') throw new Error('the takeover should claim');
			expect(
				await settleRefresh(leases, account, takeover.claimId, { access_token: 'newer' })
			).toBe(true);

			if (slow.status !== 'claimed') throw new Error('unreachable');
			expect(await settleRefresh(leases, account, slow.claimId, { access_token: 'older' })).toBe(
				false
			);
			const [row] = await app.db
				.select()
				.from(accounts)
				.where(eq(accounts.providerAccountId, account.providerAccountId));
			expect(row?.access_token).toBe('newer');
		});

		it('a store records its audit event in the same statement, and a refused store records none', async () => {
			const { user, account } = await linkAccountWithTokens(app, local, 'github');
			const leases = { db: app.db, releases: new ReleaseSignal(app.database) };
			const client = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' };
			const at = new Date('2026-12-01T09:00:00.000Z');
			const event = { event: 'token_refreshed' as const, client, at };
			const refreshed = () =>
				app.db
					.select()
					.from(auditEvents)
					.where(and(eq(auditEvents.userId, user.id), eq(auditEvents.event, 'token_refreshed')));
			const claim = await claimRefresh(app.db, account, 10_000);
			if (claim.status !== 'claimed') throw new Error('the refresh should claim');

			expect(await settleRefresh(leases, account, claim.claimId, {}, event)).toBe(true);
			expect(await settleRefresh(leases, account, claim.claimId, {}, event)).toBe(false);

			expect(await refreshed()).toEqual([
				expect.objectContaining({
					detail: 'github',
					at,
					ip: client.ip,
					userAgent: client.userAgent
				})
			]);
		});

		it('refresh ahead: a valid token in its window is served at once, and the next request has the new expiry', async () => {
			const { user, account } = await linkAccountWithTokens(app, local, 'google', {
				expiresIn: 10
			});
			await inRefreshWindow(app.db, account);
			local.idp.faults.set({ google: { latencyMs: PROVIDER_LATENCY_MS } });
			const rotator = anotherInstance(app);
			const [sessionAccount] = await listSessionAccounts(app.db, user.id);
			const cookie: JWT = { sub: user.id, accounts: [sessionAccount!] };

			let first: JWT | undefined;
			expect(
				await timed(async () => (first = await renewDueAccounts(cookie, rotator, null)))
			).toBeLessThan(300);
			expect(first?.accounts?.[0]?.expiresAt).toBe(account.expires_at);

			await rotator.drain();
			const next = await renewDueAccounts(first!, rotator, null);
			expect(next.accounts?.[0]?.expiresAt).toBeGreaterThan(account.expires_at);
			expect(next.error).toBeUndefined();
			expect(local.refreshes).toHaveLength(1);
		});

		it('a background refresh that is refused flags the session on its next request', async () => {
			const { user, account, tokens } = await linkAccountWithTokens(app, local, 'google', {
				expiresIn: 10
			});
			await inRefreshWindow(app.db, account);
			await revokeToken(local.idp, 'google', tokens.refresh_token);
			const rotator = anotherInstance(app);
			const cookie: JWT = { sub: user.id, accounts: await listSessionAccounts(app.db, user.id) };

			expect((await renewDueAccounts(cookie, rotator, null)).error).toBeUndefined();
			await rotator.drain();
			expect((await renewDueAccounts(cookie, rotator, null)).error).toBe('RefreshTokenError');
			expect(local.refreshes).toEqual([{ provider: 'google', ok: false, error: 'invalid_grant' }]);
		});

		it('shutting down waits for the refreshes under way, which store their tokens and release their leases', async () => {
			const { account } = await linkAccountWithTokens(app, local, 'github');
			local.idp.faults.set({ github: { latencyMs: PROVIDER_LATENCY_MS } });
			const rotator = anotherInstance(app);
			void rotator.ensureFresh(account);
			await sleep(100);

			await rotator.drain();
			const [row] = await app.db
				.select()
				.from(accounts)
				.where(eq(accounts.providerAccountId, account.providerAccountId));
			expect(row?.refreshClaimId).toBeNull();
			expect(row?.expires_at).toBeGreaterThan(account.expires_at);
			expect(local.refreshes).toHaveLength(1);
		});

		it('a provider that issues no new refresh token: 3 expiries in a row reuse the stored one', async () => {
			local.idp.faults.set({ google: { keepRefreshToken: true } });
			const { user, account, tokens } = await linkAccountWithTokens(app, local, 'google');
			for (let round = 1; round <= 3; round++) {
				await expireAccessToken(app.db, account);
				const token = await readAccessToken(app, user.id, 'google');
				expect(token.expiresAt).toBeGreaterThan(Date.now() / 1000);
				expect(local.refreshes).toHaveLength(round);
				expect(await storedRefreshToken(app, account.providerAccountId)).toBe(tokens.refresh_token);
			}
			expect(local.refreshes.every(({ ok }) => ok)).toBe(true);
			expect((await findAccount(app.db, user.id, 'google'))?.refresh_token).not.toBeNull();
		});
	},
	{ env: () => local.env }
);
