import type { JWT } from '@auth/core/jwt';
import type { RequestEvent } from '@sveltejs/kit';
import { expect, it, onTestFinished, vi } from 'vitest';
import type { Database } from '../db';
import { describeWithDatabases } from '../testing/databases';
import { createUser } from '../testing/factories';
import { isSessionCurrent, updateSessionClaims } from './claims';
import { readSession } from '../authjs/reader';
import { startUserSession } from './user-sessions';

const COOKIE = 'authjs.session-token';
const env = {
	AUTH_SECRET: 'claims-test-secret-0123456789abcdefghijklmnop',
	AUTH_GITHUB_ID: 'claims-test-client',
	AUTH_GITHUB_SECRET: 'claims-test-client-secret',
	AUTH_SESSION_UPDATE_AGE: '3600',
	AUTH_SESSION_CHECK_SECONDS: '600',
	AUTH_SESSION_ABSOLUTE_MAX_AGE: '7200'
};
const now = () => Math.floor(Date.now() / 1000);

/** Claims that need nothing, and one variation of each condition the callback acts on. */
async function claimsCases(db: Database): Promise<Record<string, JWT>> {
	const user = await createUser(db);
	const sid = await startUserSession(db, user.id, null);
	const account = { provider: 'github' as const, providerAccountId: `claims-${user.id}` };
	const current: JWT = {
		sub: user.id,
		sid,
		sidCheckedAt: now(),
		authAt: now(),
		iat: now(),
		exp: now() + 86_400,
		accounts: [{ ...account, expiresAt: now() + 3600, issuedAt: now() }]
	};
	return {
		current,
		'past its renewal age': { ...current, iat: now() - 3601 },
		'its session check due': { ...current, sidCheckedAt: now() - 601 },
		'a provider token due': {
			...current,
			accounts: [{ ...account, expiresAt: now() + 10, issuedAt: now() - 3590 }]
		},
		'a provider token expired': {
			...current,
			accounts: [{ ...account, expiresAt: now() - 10, issuedAt: now() - 3610 }]
		},
		'flagged RefreshTokenError': { ...current, error: 'RefreshTokenError' },
		// Ended 5 s ago: within the codec's clock tolerance, so only the predicate refuses it.
		'past its absolute end': { ...current, authAt: now() - 7205 },
		'without its sign-in time': { ...current, authAt: undefined }
	};
}

describeWithDatabases(
	'one predicate for "these claims need nothing"',
	(app) => {
		it('the fast path and the jwt callback agree on every case', async () => {
			// A refresh ends without this process learning anything: what it knows stays as the
			// cookie has it, whenever the refresh would have ended.
			const ensureFresh = vi
				.spyOn(app.rotator, 'ensureFresh')
				.mockResolvedValue({ status: 'unavailable' });
			onTestFinished(() => ensureFresh.mockRestore());
			for (const [name, claims] of Object.entries(await claimsCases(app.db))) {
				ensureFresh.mockClear();
				// Note: the codec stamps `iat` itself, so an old cookie is encoded in the past.
				vi.useFakeTimers({ now: (claims.iat ?? now()) * 1000, toFake: ['Date'] });
				const token = await app.session.codec.encode({
					token: claims,
					secret: env.AUTH_SECRET,
					salt: COOKIE
				});
				vi.useRealTimers();
				const url = new URL('http://127.0.0.1/');
				const event = {
					url,
					request: new Request(url),
					getClientAddress: () => '127.0.0.1',
					cookies: { get: () => token, getAll: () => [{ name: COOKIE, value: token }] }
				} as unknown as RequestEvent;
				const decoded = (await app.session.codec.decode({
					token,
					secret: env.AUTH_SECRET,
					salt: COOKIE
				}))!;
				// Decided first: the callback's session check is remembered by this process.
				const current = isSessionCurrent(decoded, app);
				const authjs = vi.fn(async () => null);
				await readSession(app, event, authjs);
				const updated = await updateSessionClaims(
					{ token: decoded, client: null, readCurrentClaims: async () => null },
					app
				);

				const renewalDue = name === 'past its renewal age';
				expect(authjs.mock.calls.length === 0, `${name}: fast path`).toBe(current && !renewalDue);
				expect(updated === decoded, `${name}: callback changes nothing`).toBe(current);
				// A token due but valid is refreshed in the background by both; an expired one is
				// waited for, by the callback.
				const refreshes = { 'a provider token due': 2, 'a provider token expired': 1 };
				expect(ensureFresh, `${name}: refreshes`).toHaveBeenCalledTimes(
					refreshes[name as keyof typeof refreshes] ?? 0
				);
			}
		});

		it('claims are current unless their session check is due or a provider token must be waited for', async () => {
			const cases = await claimsCases(app.db);
			const current = Object.entries(cases).filter(([, claims]) => isSessionCurrent(claims, app));
			expect(current.map(([name]) => name)).toEqual([
				'current',
				'past its renewal age',
				'a provider token due',
				'flagged RefreshTokenError'
			]);
		});
	},
	{ env: () => env }
);
