import type { Session } from '@auth/core/types';
import type { RequestEvent } from '@sveltejs/kit';
import { expect, it } from 'vitest';
import { revokeToken } from '$idp/testkit/flows.js';
import { startUserSession } from '../session/user-sessions';
import { describeWithDatabases } from '../testing/databases';
import { linkAccountWithTokens, useLocalIdp } from '../testing/provider-accounts';
import { getAccessToken } from './access-token';
import { AccountNotLinkedError, RefreshTokenError } from './errors';

const local = useLocalIdp();

/** A request from a browser signed in as `userId`, in a live session. */
async function signedInEvent(userId: string, error?: Session['error']): Promise<RequestEvent> {
	const sessionId = await startUserSession(userId, null);
	const session = { user: { id: userId }, providers: [], sessionId, error, expires: '' };
	return {
		locals: { auth: async () => session },
		request: new Request('http://127.0.0.1/'),
		getClientAddress: () => '127.0.0.1'
	} as unknown as RequestEvent;
}

describeWithDatabases('getAccessToken', () => {
	it('returns a valid stored token as it is', async () => {
		const { user, tokens } = await linkAccountWithTokens(local, 'github', { expiresIn: 3600 });
		expect(await getAccessToken(await signedInEvent(user.id), 'github')).toBe(tokens.access_token);
		expect(local.refreshes).toEqual([]);
	});

	it('refreshes an expired token first', async () => {
		const { user, tokens } = await linkAccountWithTokens(local, 'github');
		const token = await getAccessToken(await signedInEvent(user.id), 'github');
		expect(token).not.toBe(tokens.access_token);
		expect(local.refreshes).toEqual([{ provider: 'github', ok: true, error: undefined }]);
	});

	it('throws RefreshTokenError when the provider refuses, or the session is flagged', async () => {
		const { user, tokens } = await linkAccountWithTokens(local, 'google');
		await revokeToken(local.idp, 'google', tokens.refresh_token);
		const event = await signedInEvent(user.id);
		await expect(getAccessToken(event, 'google')).rejects.toThrow(RefreshTokenError);

		const flagged = await signedInEvent(user.id, 'RefreshTokenError');
		await expect(getAccessToken(flagged, 'google')).rejects.toThrow(RefreshTokenError);
	});

	it('throws AccountNotLinkedError for a provider the user has not linked', async () => {
		const { user } = await linkAccountWithTokens(local, 'github', { expiresIn: 3600 });
		const event = await signedInEvent(user.id);
		await expect(getAccessToken(event, 'google')).rejects.toThrow(AccountNotLinkedError);
	});
});
