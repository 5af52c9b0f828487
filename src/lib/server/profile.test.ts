import { expect, it } from 'vitest';
import { createAdapter } from './auth/adapter';
import { createTokenCipher } from './auth/token-crypto';
import { findProfile, renameUser } from './profile';
import { describeWithDatabases } from './testing/databases';
import { buildAccount, createUser } from './testing/factories';

describeWithDatabases('profile', () => {
	it('finds the user with the linked providers', async () => {
		const user = await createUser({ name: 'Grace', image: 'data:image/svg+xml,x' });
		await createAdapter(createTokenCipher('s')).linkAccount!(buildAccount(user.id));

		expect(await findProfile(user.id)).toEqual({
			id: user.id,
			name: 'Grace',
			email: user.email,
			image: 'data:image/svg+xml,x',
			providers: ['github']
		});
	});

	it('is null for an unknown user', async () => {
		expect(await findProfile('no-such-user')).toBeNull();
	});

	it('renames one user only', async () => {
		const [user, other] = [await createUser(), await createUser({ name: 'Other' })];
		await renameUser(user.id, 'Ada Lovelace');
		expect((await findProfile(user.id))?.name).toBe('Ada Lovelace');
		expect((await findProfile(other.id))?.name).toBe('Other');
	});
});
