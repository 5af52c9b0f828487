import { fail } from '@sveltejs/kit';
import { readId } from '$lib/server/http/form';
import {
	loadAccountSessions,
	revokeListedSession,
	revokeOtherListedSessions
} from '$lib/server/session/listed-sessions';
import { readSensitiveActionInput, requireUser } from '$lib/server/web/require-user';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireUser(event);
	return loadAccountSessions(event.locals.app, user.id, (await event.locals.auth())?.sessionId);
};

export const actions: Actions = {
	revoke: async (event) => {
		const { user, sessionId, form, client } = await readSensitiveActionInput(event);
		const result = await revokeListedSession(
			event.locals.app,
			user.id,
			readId(form, 'id'),
			sessionId,
			client
		);
		if (!result.ok) return fail(result.status, { error: result.error });
		return { revoked: result.revoked };
	},
	revokeOthers: async (event) => {
		const { user, sessionId, client } = await readSensitiveActionInput(event);
		const result = await revokeOtherListedSessions(event.locals.app, user.id, sessionId, client);
		if (!result.ok) return fail(result.status, { error: result.error });
		return { revoked: result.revoked };
	}
};
