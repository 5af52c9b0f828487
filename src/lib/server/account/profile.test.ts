import { expect, it } from 'vitest';
import { createAdapter } from '../authjs/adapter';
import { createTokenCipher } from '../tokens/cipher';
import { findAccount } from '../tokens/accounts';
import { listAuditEvents } from '../audit/audit-log';
import { findProfile, readProfilePage, renameUser, unlinkSignInMethod } from './profile';
import { describeWithDatabases } from '../testing/databases';
import { buildAccount, createUser } from '../testing/factories';
import { linkAccountWithTokens, useLocalIdp } from '../testing/provider-accounts';

// Configures the three providers (GitHub, Google, the OIDC issuer) against the local IdP.
const local = useLocalIdp();
const client = { ip: '203.0.113.9', userAgent: 'Safari on iOS' };

describeWithDatabases(
	'profile',
	(app) => {
		it('finds the user with the linked providers', async () => {
			const user = await createUser(app.db, { name: 'Grace', image: 'data:image/svg+xml,x' });
			await createAdapter(app.db, createTokenCipher(['a-test-secret-0123456789abcdefghijklmnop']))
				.linkAccount!(buildAccount(user.id));

			expect(await findProfile(app.db, user.id)).toEqual({
				id: user.id,
				name: 'Grace',
				email: user.email,
				image: 'data:image/svg+xml,x',
				providers: ['github']
			});
		});

		it('is null for an unknown user', async () => {
			expect(await findProfile(app.db, 'no-such-user')).toBeNull();
			expect(await readProfilePage(app, 'no-such-user', null)).toBeNull();
		});

		it('the page offers the configured providers not linked yet, and says why linking failed', async () => {
			const user = await createUser(app.db);
			await createAdapter(app.db, createTokenCipher(['a-test-secret-0123456789abcdefghijklmnop']))
				.linkAccount!(buildAccount(user.id));

			const page = await readProfilePage(app, user.id, 'OAuthAccountNotLinked');

			expect(page?.profile).not.toHaveProperty('providers');
			expect(page?.linked).toEqual([{ id: 'github', name: 'GitHub' }]);
			expect(page?.connectable).toEqual([
				{ id: 'google', name: 'Google' },
				{ id: 'oidc', name: 'Single sign-on' }
			]);
			expect(page?.linkError).toMatch(/already linked to another Latchkey user/);
			expect((await readProfilePage(app, user.id, null))?.linkError).toBeNull();
		});

		it('renames one user only', async () => {
			const [user, other] = [await createUser(app.db), await createUser(app.db, { name: 'Other' })];
			expect(await renameUser(app.db, user.id, '  Ada Lovelace ')).toEqual({
				ok: true,
				name: 'Ada Lovelace'
			});
			expect((await findProfile(app.db, user.id))?.name).toBe('Ada Lovelace');
			expect((await findProfile(app.db, other.id))?.name).toBe('Other');
		});

		it('refuses an invalid display name, saves nothing, and gives the input back', async () => {
			const user = await createUser(app.db, { name: 'Kept' });
			expect(await renameUser(app.db, user.id, 'a\tb')).toEqual({
				ok: false,
				name: 'a\tb',
				error: 'Use no control characters, such as tabs or line breaks.'
			});
			expect(await renameUser(app.db, user.id, null)).toMatchObject({ ok: false, name: '' });
			expect((await findProfile(app.db, user.id))?.name).toBe('Kept');
		});

		it('unlinks a provider and logs it, but never the last one, and says why', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github', { expiresIn: 3600 });
			await createAdapter(app.db, app.cipher).linkAccount!(
				buildAccount(user.id, { provider: 'google', type: 'oidc' })
			);

			expect(await unlinkSignInMethod(app, user.id, 'twitter', client)).toEqual({
				ok: false,
				error: 'That provider is not linked to your account.'
			});
			expect(await unlinkSignInMethod(app, user.id, 'google', client)).toEqual({
				ok: true,
				provider: 'google',
				name: 'Google'
			});
			expect(await unlinkSignInMethod(app, user.id, 'google', client)).toMatchObject({ ok: false });
			expect(await unlinkSignInMethod(app, user.id, 'github', client)).toEqual({
				ok: false,
				error: 'You cannot unlink your only sign-in method. Connect another provider first.'
			});

			expect(await findAccount(app.db, user.id, 'google')).toBeNull();
			expect(await findAccount(app.db, user.id, 'github')).not.toBeNull();
			const [latest] = await listAuditEvents(app.db, user.id);
			expect(latest).toMatchObject({ event: 'account_unlinked', detail: 'google', ...client });
		});
	},
	{ env: () => local.env }
);
