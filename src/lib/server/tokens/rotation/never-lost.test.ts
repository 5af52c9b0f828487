import { setTimeout as sleep } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThrowawayDatabase } from '$idp/testkit/database.js';
import { clientOf, endpointsOf } from '$idp/testkit/clients.js';
import { tokenRequest } from '$idp/testkit/oauth.js';
import { startTcpProxy, type TcpProxy } from '$idp/testkit/tcp-proxy.js';
import { listAuditEvents } from '../../audit/audit-log';
import { describeConnections } from '../../account/connections';
import { buildServices, type Services } from '../../app/create-app';
import { readConfig } from '../../app/read-config';
import { connectDatabase, type Database } from '../../db';
import { isDatabaseReachable } from '../../db/reachable';
import { accounts } from '../../db/schema';
import type { AccountKey } from '../account-key';
import { readProviderSettings } from '../../providers/settings';
import { readAccessToken } from '../access-token';
import { findAccount } from '../accounts';
import { forgetProviderTokens } from '../forget';
import { describeWithDatabases } from '../../testing/databases';
import {
	anotherInstance,
	expireAccessToken,
	linkAccountWithTokens,
	storedRefreshToken,
	useLocalIdp
} from '../../testing/provider-accounts';
import type { RotatorOptions, TokenRotator } from './token-rotator';

const local = useLocalIdp();
// Scaled down from production (5 s request wait, 10 s lease, 60 s hard limit) to keep tests short.
const REQUEST_WAIT_MS = 400;
const LEASE_MS = 1_000;

/** A rotator of its own, like another server process, with short timings. */
function instanceWithShortTimings(
	app: Services,
	options: Partial<RotatorOptions> = {},
	env = local.env
) {
	return anotherInstance(app, {
		providers: readProviderSettings(env),
		timeoutMs: REQUEST_WAIT_MS,
		leaseMs: LEASE_MS,
		hardLimitMs: 10_000,
		log: () => {},
		...options
	});
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
	const started = Date.now();
	const result = await work();
	return [result, Date.now() - started];
}

async function leaseOf(db: Database, providerAccountId: string) {
	const [row] = await db
		.select({ claimId: accounts.refreshClaimId })
		.from(accounts)
		.where(eq(accounts.providerAccountId, providerAccountId));
	return row?.claimId;
}

describeWithDatabases(
	'a late provider answer',
	(app) => {
		it('the request stops waiting at its timeout; the answer that comes later is stored and used', async () => {
			const { account, tokens } = await linkAccountWithTokens(app, local, 'github');
			local.idp.faults.set({ github: { answerDelayMs: 3 * REQUEST_WAIT_MS } });
			const rotator = instanceWithShortTimings(app);

			const [first, waited] = await timed(() => rotator.ensureFresh(account));
			expect(first.status).toBe('unavailable');
			expect(waited).toBeLessThan(REQUEST_WAIT_MS + 1_000);

			await rotator.drain();
			expect(local.refreshes).toEqual([{ provider: 'github', ok: true, error: undefined }]);
			const stored = await storedRefreshToken(app, account.providerAccountId);
			expect(stored).not.toBe(tokens.refresh_token);
			expect(await leaseOf(app.db, account.providerAccountId)).toBeNull();

			// The grant lives on: the next expiry rotates from the late answer's refresh token.
			local.idp.faults.reset();
			await expireAccessToken(app.db, account);
			expect((await instanceWithShortTimings(app).ensureFresh(account)).status).toBe('rotated');
			expect(local.refreshes.map(({ ok }) => ok)).toEqual([true, true]);
		});

		it('two instances: the lease is renewed while the answer is late, so the other never resends the token', async () => {
			const { account, tokens } = await linkAccountWithTokens(app, local, 'github');
			local.idp.faults.set({ github: { answerDelayMs: 3 * LEASE_MS } });
			const [first, second] = [instanceWithShortTimings(app), instanceWithShortTimings(app)];

			void first.ensureFresh(account);
			// Past the first request's wait and past one whole lease: the second instance keeps trying.
			const outcomes = [];
			for (let i = 0; i < 6; i++) {
				await sleep(LEASE_MS / 2);
				const [outcome, waited] = await timed(() => second.ensureFresh(account));
				expect(waited).toBeLessThan(REQUEST_WAIT_MS + 1_000);
				outcomes.push(outcome.status);
			}
			await first.drain();
			await second.drain();

			expect(local.refreshes).toEqual([{ provider: 'github', ok: true, error: undefined }]);
			expect(outcomes).toContain('unavailable');
			expect(await storedRefreshToken(app, account.providerAccountId)).not.toBe(
				tokens.refresh_token
			);
			expect((await second.ensureFresh(account)).status).toBe('fresh');
		});
	},
	{ env: () => local.env }
);

describeWithDatabases(
	'signing out while a refresh is under way',
	(app) => {
		it('the forgotten account never takes tokens back, and the refresh revokes the ones it got', async () => {
			const { user, account } = await linkAccountWithTokens(app, local, 'google');
			const issued: string[] = [];
			const stop = local.idp.onTokenEndpoint((event) => {
				const body = event.body as { refresh_token?: string } | undefined;
				if (event.ok && body?.refresh_token) issued.push(body.refresh_token);
			});
			local.idp.faults.set({ google: { answerDelayMs: 800 } });
			const rotator = instanceWithShortTimings(app);

			void rotator.ensureFresh(account);
			await sleep(300);
			// The user signs out of their last session while the answer is on its way.
			await forgetProviderTokens(app, user.id);
			await rotator.drain();
			stop();

			expect(await findAccount(app.db, user.id, 'google')).toMatchObject({
				access_token: null,
				refresh_token: null,
				expires_at: null
			});
			expect(await leaseOf(app.db, account.providerAccountId)).toBeNull();
			expect(issued).toHaveLength(1);
			const { token } = await endpointsOf(local.idp, 'google');
			const reuse = await tokenRequest(token, clientOf(local.idp, 'google'), {
				grant_type: 'refresh_token',
				refresh_token: issued[0]!
			});
			expect(reuse.status).toBe(400);
			expect(reuse.body.error).toBe('invalid_grant');
		});
	},
	{ env: () => local.env }
);

describeWithDatabases(
	'an answer whose fate is unknown',
	(app) => {
		let proxy: TcpProxy;
		let env: Record<string, string>;
		beforeAll(async () => {
			const { port } = new URL(local.idp.github.baseUrl);
			proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(port) });
			env = { ...local.env, AUTH_GITHUB_ENTERPRISE_URL: `http://127.0.0.1:${proxy.port}` };
		});
		afterAll(() => proxy.close());

		/** Refreshes `account`, dropping the connection once the request is sent (answer at 0.6 s). */
		async function refreshLosingTheConnection(rotator: TokenRotator, account: AccountKey) {
			void rotator.ensureFresh(account);
			await sleep(300);
			proxy.drop();
			await rotator.drain();
		}

		it('a connection lost after sending: one prompt retry; refused as reuse, the tokens are forgotten and the account asks to reconnect', async () => {
			const { user, account } = await linkAccountWithTokens(app, local, 'github');
			local.idp.faults.set({ github: { answerDelayMs: 600 } });
			const rotator = instanceWithShortTimings(app, {}, env);

			await refreshLosingTheConnection(rotator, account);

			// Sent twice in all, never a third time: the first was used, the retry is reuse.
			expect(local.refreshes.map(({ ok }) => ok)).toEqual([true, false]);
			expect(await storedRefreshToken(app, account.providerAccountId)).toBeNull();
			expect((await listAuditEvents(app.db, user.id)).map(({ event }) => event)).toContain(
				'refresh_lost'
			);
			expect((await rotator.ensureFresh(account)).status).not.toBe('rotated');
			expect(local.refreshes).toHaveLength(2);

			// /connections says what happened, and offers Reconnect.
			const [github] = await describeConnections(app, user.id, async (provider) => {
				return (await readAccessToken(app, user.id, provider)).value;
			});
			expect(github).toMatchObject({ provider: 'github', reconnect: true, profile: null });
			expect(github!.problem).toBe(
				"Latchkey lost its GitHub tokens (GitHub's answer to a refresh never arrived). " +
					'Reconnect to use GitHub here.'
			);
			expect(local.refreshes).toHaveLength(2);
		});

		it('with a provider that keeps its refresh token, the prompt retry succeeds', async () => {
			local.idp.faults.set({ github: { keepRefreshToken: true } });
			const { account, tokens } = await linkAccountWithTokens(app, local, 'github');
			local.idp.faults.set({ github: { answerDelayMs: 600 } });
			const rotator = instanceWithShortTimings(app, {}, env);

			await refreshLosingTheConnection(rotator, account);

			expect(local.refreshes.map(({ ok }) => ok)).toEqual([true, true]);
			expect(await storedRefreshToken(app, account.providerAccountId)).toBe(tokens.refresh_token);
		});
	},
	{ env: () => local.env }
);

const serverUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!serverUrl)(
	'the database cut while the answer is on its way (Postgres; needs TEST_DATABASE_URL)',
	() => {
		let proxy: TcpProxy;
		let drop = async () => {};
		// The app of this suite, on a database reached through the proxy.
		let app: Services;
		let viaProxy: URL;
		beforeAll(async () => {
			const created = await createThrowawayDatabase(serverUrl!);
			drop = created.drop;
			proxy = await startTcpProxy({
				host: created.url.hostname,
				port: Number(created.url.port || 5432)
			});
			viaProxy = new URL(created.url);
			viaProxy.host = `127.0.0.1:${proxy.port}`;
			const config = readConfig({
				AUTH_SECRET: 'never-lost-test-secret-0123456789abcdefghijklmn',
				AUTH_TRUST_HOST: 'true',
				...local.env
			});
			app = buildServices(config, await connectDatabase({ url: viaProxy.href }));
		});
		afterAll(async () => {
			await app?.rotator.drain();
			await app?.database.close();
			await proxy.close();
			await drop();
		});

		it('the answer is kept, used by this process meanwhile, and stored once the database is back', async () => {
			const { account, tokens } = await linkAccountWithTokens(app, local, 'github');
			local.idp.faults.set({ github: { latencyMs: 600 } });
			// The case at production lease timing: a 4 s cut from 0.2 s, the answer at 0.6 s.
			const rotator = instanceWithShortTimings(app, { leaseMs: 10_000, timeoutMs: 2_000 });

			const flight = rotator.ensureFresh(account);
			await sleep(200);
			const outage = proxy.cutFor(4_000);
			// The provider answered while the database is down: this process has the new token.
			expect((await flight).status).toBe('rotated');
			await sleep(600);
			expect((await rotator.ensureFresh(account)).status).toBe('rotated');
			await outage;
			await rotator.drain();

			expect(local.refreshes).toEqual([{ provider: 'github', ok: true, error: undefined }]);
			expect(await storedRefreshToken(app, account.providerAccountId)).not.toBe(
				tokens.refresh_token
			);
			expect(await leaseOf(app.db, account.providerAccountId)).toBeNull();
			local.idp.faults.reset();
			await expireAccessToken(app.db, account);
			expect((await instanceWithShortTimings(app).ensureFresh(account)).status).toBe('rotated');
			expect(local.refreshes.map(({ ok }) => ok)).toEqual([true, true]);
		});

		it('two instances: the holder is back as soon as the database is, and stores before its lease runs out', async () => {
			const { account, tokens } = await linkAccountWithTokens(app, local, 'github');
			local.idp.faults.set({ github: { latencyMs: 600 } });
			const timings = { leaseMs: 10_000, timeoutMs: 2_000 };
			const holder = instanceWithShortTimings(app, timings);
			// Another instance, with connections of its own that the cut finds idle.
			const other = await connectDatabase({ url: viaProxy.href });
			try {
				const otherInstance = instanceWithShortTimings({ ...app, database: other }, timings);
				await expireAccessToken(app.db, account);

				// A busy holder: every connection of its pool is open when the cut drops them.
				await Promise.all(
					Array.from({ length: 10 }, () => app.db.execute(sql`select pg_sleep(0.05)`))
				);
				const flight = holder.ensureFresh(account);
				await sleep(200);
				const outage = proxy.cutFor(4_000);
				// Its other requests keep trying the database meanwhile. Note: postgres.js's own wait
				// before reconnecting grew with these failures to 10–20 s, past the 10 s lease.
				let cut = true;
				const tries = (async () => {
					while (cut) {
						await Promise.all(Array.from({ length: 10 }, () => isDatabaseReachable(app.db, 500)));
						await sleep(50);
					}
				})();
				await flight;
				await outage;
				cut = false;
				await tries;
				// Its users keep asking until past the lease's end, had the holder not stored.
				const outcomes = [];
				for (let asked = 0; asked < 10; asked++) {
					outcomes.push((await otherInstance.ensureFresh(account)).status);
					await sleep(500);
				}
				await holder.drain();

				expect(outcomes).not.toContain('rejected');
				expect(outcomes.at(-1)).toBe('fresh');
				expect(local.refreshes).toEqual([{ provider: 'github', ok: true, error: undefined }]);
				expect(await storedRefreshToken(app, account.providerAccountId)).not.toBe(
					tokens.refresh_token
				);
			} finally {
				await other.close();
			}
		});
	}
);
