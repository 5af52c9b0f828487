import { describe, expect, it } from 'vitest';
import { SettledRefreshes } from './settled-refreshes';

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
