import { fail } from '@sveltejs/kit';
import { loadAccountSessions } from '$lib/server/session/account-sessions';
import { recordAuditEvent } from '$lib/server/account/audit';
import { assertUser, requireUser } from '$lib/server/session/guards';
import { revokeOtherUserSessions, revokeUserSession } from '$lib/server/session/user-sessions';
import { readForm, readId } from '$lib/server/http/form';
import { requestClient } from '$lib/server/http/request-client';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireUser(event);
	const session = await event.locals.auth();
	return loadAccountSessions(user.id, session?.sessionId);
};

export const actions: Actions = {
	revoke: async (event) => {
		const user = await assertUser(event);
		const id = readId(await readForm(event.request), 'id');
		if (id === null) return fail(400, { error: 'No session chosen.' });
		if (id === (await event.locals.auth())?.sessionId) {
			return fail(400, { error: 'To end this session, sign out.' });
		}
		if (!(await revokeUserSession(user.id, id))) {
			return fail(404, { error: 'That session has already ended.' });
		}
		await recordAuditEvent(user.id, 'session_revoked', requestClient(event));
		return { revoked: 1 };
	},
	revokeOthers: async (event) => {
		const user = await assertUser(event);
		await readForm(event.request);
		const current = (await event.locals.auth())?.sessionId;
		if (current === undefined) return fail(400, { error: 'This session cannot be identified.' });
		const revoked = await revokeOtherUserSessions(user.id, current);
		if (revoked > 0) {
			await recordAuditEvent(
				user.id,
				'session_revoked',
				requestClient(event),
				`${revoked} sessions`
			);
		}
		return { revoked };
	}
};
