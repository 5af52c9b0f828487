import { eq } from 'drizzle-orm';
import { expect, it, vi } from 'vitest';
import { revokeToken } from '$idp/testkit/flows.js';
import { accounts } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { buildSignedInEvent } from '../testing/factories';
import { linkAccountWithTokens, useLocalIdp } from '../testing/provider-accounts';
import { getAccessToken } from './get-access-token';
import { AccountNotLinkedError, NoStoredTokensError, RefreshTokenError } from '../tokens/errors';
import { forgetProviderTokens } from '../tokens/forget';

const local = useLocalIdp();

describeWithDatabases(
	'getAccessToken',
	(app) => {
		it('returns a valid stored token as it is', async () => {
			const { user, tokens } = await linkAccountWithTokens(app, local, 'github', {
				expiresIn: 3600
			});
			const token = await getAccessToken(await buildSignedInEvent(app, user.id), 'github');
			expect(token).toBe(tokens.access_token);
			expect(local.refreshes).toEqual([]);
		});

		it('refreshes an expired token first', async () => {
			const { user, tokens } = await linkAccountWithTokens(app, local, 'github');
			const token = await getAccessToken(await buildSignedInEvent(app, user.id), 'github');
			expect(token).not.toBe(tokens.access_token);
			expect(local.refreshes).toEqual([{ provider: 'github', ok: true, error: undefined }]);
		});

		it('returns a token due for refresh at once, and renews it in the background', async () => {
			const { user, tokens } = await linkAccountWithTokens(app, local, 'github');
			// Issued an hour ago, valid 10 s more: in the last quarter of its refresh window (the 60 s
			// skew), so due whatever the account's point of the window (`refreshPoint`).
			const now = Math.floor(Date.now() / 1000);
			await app.db
				.update(accounts)
				.set({ tokenIssuedAt: now - 3600, expires_at: now + 10 })
				.where(eq(accounts.userId, user.id));
			const event = await buildSignedInEvent(app, user.id);

			expect(await getAccessToken(event, 'github')).toBe(tokens.access_token);

			await vi.waitFor(async () => {
				expect(await getAccessToken(event, 'github')).not.toBe(tokens.access_token);
			});
			expect(local.refreshes).toEqual([{ provider: 'github', ok: true, error: undefined }]);
		});

		it('throws RefreshTokenError when the provider refuses, or the session is flagged', async () => {
			const { user, tokens } = await linkAccountWithTokens(app, local, 'google');
			await revokeToken(local.idp, 'google', tokens.refresh_token);
			const event = await buildSignedInEvent(app, user.id);
			await expect(getAccessToken(event, 'google')).rejects.toThrow(RefreshTokenError);

			const flagged = await buildSignedInEvent(app, user.id, 'RefreshTokenError');
			await expect(getAccessToken(flagged, 'google')).rejects.toThrow(RefreshTokenError);
		});

		it('throws AccountNotLinkedError for a provider the user has not linked', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'github', { expiresIn: 3600 });
			const event = await buildSignedInEvent(app, user.id);
			await expect(getAccessToken(event, 'google')).rejects.toThrow(AccountNotLinkedError);
		});

		it('throws NoStoredTokensError once sign-out forgot the tokens, and refreshes nothing', async () => {
			const { user } = await linkAccountWithTokens(app, local, 'google');
			await forgetProviderTokens(app, user.id);
			const event = await buildSignedInEvent(app, user.id);
			await expect(getAccessToken(event, 'google')).rejects.toThrow(NoStoredTokensError);
			expect(local.refreshes).toEqual([]);
		});
	},
	{ env: () => local.env }
);
