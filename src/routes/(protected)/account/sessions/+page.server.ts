import { fail } from '@sveltejs/kit';
import { readId } from '$lib/server/http/form';
import { loadAccountSessions, revokeListedSession } from '$lib/server/session/account-sessions';
import { readActionInput, requireUser } from '$lib/server/session/guards';
import { revokeOtherUserSessions } from '$lib/server/session/revocation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireUser(event);
	return loadAccountSessions(user.id, (await event.locals.auth())?.sessionId);
};

export const actions: Actions = {
	revoke: async (event) => {
		const { user, sessionId, form, client } = await readActionInput(event);
		const result = await revokeListedSession(user.id, readId(form, 'id'), sessionId, client);
		if (!result.ok) return fail(result.status, { error: result.error });
		return { revoked: 1 };
	},
	revokeOthers: async (event) => {
		const { user, sessionId, client } = await readActionInput(event);
		return { revoked: await revokeOtherUserSessions(user.id, sessionId, client) };
	}
};
