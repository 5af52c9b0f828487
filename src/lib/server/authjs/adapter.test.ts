import { beforeEach, expect, it, vi } from 'vitest';
import { describeWithDatabases } from '../testing/databases';
import { buildAccount, createUser } from '../testing/factories';
import { listSessionAccounts } from '../tokens/accounts';
import {
	createAdapter,
	LinkWithoutLiveSessionError,
	refuseLinksWithoutLiveSession
} from './adapter';
import { createTokenCipher } from '../tokens/cipher';

const cipher = createTokenCipher(['test-secret-for-the-adapter-0123456789abc']);

describeWithDatabases('linking a provider to an existing user', (app) => {
	// Note: built per test, on the database that test runs on.
	let adapter: ReturnType<typeof createAdapter>;
	beforeEach(() => {
		adapter = createAdapter(app.db, cipher);
	});

	it('is refused without a live session of that user, and nothing is linked', async () => {
		const user = await createUser(app.db);
		await adapter.linkAccount!(buildAccount(user.id, { provider: 'github' }));
		const isLiveSessionOf = vi.fn(async () => false);
		const guarded = refuseLinksWithoutLiveSession(app.db, adapter, isLiveSessionOf);

		await expect(
			guarded.linkAccount!(buildAccount(user.id, { provider: 'google' }))
		).rejects.toBeInstanceOf(LinkWithoutLiveSessionError);
		expect(isLiveSessionOf).toHaveBeenCalledWith(user.id);
		expect((await listSessionAccounts(app.db, user.id)).map((a) => a.provider)).toEqual(['github']);
	});

	it('goes ahead while the request holds a live session of that user', async () => {
		const user = await createUser(app.db);
		await adapter.linkAccount!(buildAccount(user.id, { provider: 'github' }));
		const guarded = refuseLinksWithoutLiveSession(app.db, adapter, async (id) => id === user.id);

		await guarded.linkAccount!(buildAccount(user.id, { provider: 'google' }));
		const linked = (await listSessionAccounts(app.db, user.id)).map((a) => a.provider);
		expect(linked.sort()).toEqual(['github', 'google']);
	});

	it('a new user’s first account needs no session', async () => {
		const user = await createUser(app.db);
		const isLiveSessionOf = vi.fn(async () => false);
		await refuseLinksWithoutLiveSession(app.db, adapter, isLiveSessionOf).linkAccount!(
			buildAccount(user.id, { provider: 'github' })
		);
		expect(isLiveSessionOf).not.toHaveBeenCalled();
		expect((await listSessionAccounts(app.db, user.id)).map((a) => a.provider)).toEqual(['github']);
	});
});
