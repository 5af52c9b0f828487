import { expect, it } from 'vitest';
import { createAdapter } from '../tokens/adapter';
import { createTokenCipher } from '../tokens/cipher';
import { listAuditEvents, recordAuditEvent } from './audit';
import { listUserSessions, startUserSession } from '../session/user-sessions';
import { findAccount } from '../tokens/accounts';
import { deleteUser, findProfile, renameUser } from './profile';
import { describeWithDatabases } from '../testing/databases';
import { buildAccount, createUser } from '../testing/factories';

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

	it('deletes a user with their accounts, tokens, sessions and audit log, and no one else', async () => {
		const [user, other] = [await createUser(), await createUser()];
		const adapter = createAdapter(createTokenCipher('s'));
		for (const owner of [user, other]) {
			await adapter.linkAccount!(buildAccount(owner.id));
			await startUserSession(owner.id, null);
			await recordAuditEvent(owner.id, 'sign_in', null, 'github');
		}

		await deleteUser(user.id);

		expect(await findProfile(user.id)).toBeNull();
		expect(await findAccount(user.id, 'github')).toBeNull();
		expect(await listUserSessions(user.id)).toEqual([]);
		expect(await listAuditEvents(user.id)).toEqual([]);
		expect(await findAccount(other.id, 'github')).not.toBeNull();
		expect(await listUserSessions(other.id)).toHaveLength(1);
		expect(await listAuditEvents(other.id)).toHaveLength(1);
	});
});
