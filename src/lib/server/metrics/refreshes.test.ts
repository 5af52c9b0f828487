import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { revokeToken } from '$idp/testkit/flows.js';
import { describeWithDatabases } from '../testing/databases';
import { readMetric } from '../testing/metrics';
import { anotherInstance, linkAccountWithTokens, useLocalIdp } from '../testing/provider-accounts';
import { readAccessToken } from '../tokens/access-token';
import { RefreshTokenError } from '../tokens/errors';
import { exposeMetrics } from './exposition';
import { instrumentApp } from './instrument';

const local = useLocalIdp();
beforeAll(() => void vi.spyOn(console, 'info').mockImplementation(() => {}));
afterAll(() => vi.restoreAllMocks());

const REFRESHES = 'latchkey_token_refreshes_total';
const PROVIDER_CALLS = 'latchkey_provider_token_request_duration_seconds_count';
const LEASE_WAITS = 'latchkey_token_refresh_lease_waits_total';

/** Runs `work` and returns how much each of `names` (with its labels) grew meanwhile. */
async function growth(
	names: [string, Record<string, string>][],
	work: () => Promise<unknown>
): Promise<number[]> {
	const before = await Promise.all(names.map(([name, labels]) => readMetric(name, labels)));
	await work();
	const after = await Promise.all(names.map(([name, labels]) => readMetric(name, labels)));
	return after.map((value, i) => value - before[i]!);
}

describeWithDatabases(
	'refresh metrics',
	(app) => {
		it('a rotation counts one rotated refresh and one provider call that answered', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github');
			const grown = await growth(
				[
					[REFRESHES, { provider: 'github', outcome: 'rotated' }],
					[REFRESHES, {}],
					[PROVIDER_CALLS, { provider: 'github', result: 'ok' }]
				],
				() => readAccessToken(app, user.id, 'github')
			);
			expect(grown).toEqual([1, 1, 1]);
		});

		it('a grant revoked at the provider counts a rejected refresh and a refused call', async () => {
			const { user, tokens } = await linkAccountWithTokens(app, local, 'google');
			await revokeToken(local.idp, 'google', tokens.refresh_token);
			const grown = await growth(
				[
					[REFRESHES, { provider: 'google', outcome: 'rejected' }],
					[PROVIDER_CALLS, { provider: 'google', result: 'refused' }]
				],
				() => expect(readAccessToken(app, user.id, 'google')).rejects.toThrow(RefreshTokenError)
			);
			expect(grown).toEqual([1, 1]);
		});

		it("an instance that finds another's lease counts one wait, and no provider call of its own", async () => {
			const { account } = await linkAccountWithTokens(app, local, 'github');
			local.idp.faults.set({ github: { latencyMs: 300 } });
			const [first, second] = [anotherInstance(app), anotherInstance(app)];

			const grown = await growth(
				[
					[LEASE_WAITS, { provider: 'github', outcome: 'fresh' }],
					[REFRESHES, { provider: 'github', outcome: 'rotated' }],
					[REFRESHES, { provider: 'github', outcome: 'fresh' }],
					[PROVIDER_CALLS, { provider: 'github' }]
				],
				() => Promise.all([first.ensureFresh(account), second.ensureFresh(account)])
			);
			expect(grown).toEqual([1, 1, 1, 1]);
		});

		it('the exposition holds no token, user id, email or provider account id', async () => {
			const { user, account, tokens } = await linkAccountWithTokens(app, local, 'google');
			const fresh = await readAccessToken(app, user.id, 'google');

			// The app's gauges, as `createApp` starts them.
			const stopMetrics = instrumentApp({
				providerIds: app.providers.map(({ id }) => id),
				database: app.database,
				sessionMaxAgeSeconds: app.session.maxAgeSeconds
			});
			const response = await exposeMetrics().finally(stopMetrics);
			const body = await response.text();
			expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
			expect(body).toContain('latchkey_token_refreshes_total{provider="google",outcome="rotated"}');
			expect(body).toContain('# TYPE latchkey_active_sessions gauge');
			expect(body).toContain('latchkey_db_pool_max_connections{driver=');
			expect(body).toContain('process_cpu_user_seconds_total');
			const secrets = [tokens.access_token, tokens.refresh_token, tokens.id_token, fresh.value];
			for (const value of [...secrets, user.id, user.email!, account.providerAccountId]) {
				expect(body).not.toContain(value);
			}
		});
	},
	{ env: () => local.env }
);
