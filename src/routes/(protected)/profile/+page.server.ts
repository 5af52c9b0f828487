import { error, fail, redirect } from '@sveltejs/kit';
import { PATHS } from '$lib/paths';
import { assertUser, requireUser } from '$lib/server/auth/guards';
import { clearSessionCookies, refreshSession } from '$lib/server/auth/session';
import { forgetProviderTokens } from '$lib/server/auth/token-revocation';
import { DELETE_CONFIRMATION, validateDisplayName } from '$lib/profile';
import { deleteUser, findProfile, renameUser } from '$lib/server/profile';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireUser(event);
	const profile = await findProfile(user.id);
	if (profile === null) error(404, 'Your account no longer exists.');
	return { profile };
};

export const actions: Actions = {
	rename: async (event) => {
		const user = await assertUser(event);
		const input = (await event.request.formData()).get('name');
		const result = validateDisplayName(input);
		if (!result.ok) return fail(400, { name: String(input ?? ''), error: result.error });
		await renameUser(user.id, result.name);
		await refreshSession(event);
		return { saved: true };
	},
	deleteAccount: async (event) => {
		const user = await assertUser(event);
		if ((await event.request.formData()).get('confirm') !== DELETE_CONFIRMATION) {
			return fail(400, { deleteError: `Type ${DELETE_CONFIRMATION} to confirm.` });
		}
		await forgetProviderTokens(user.id);
		await deleteUser(user.id);
		clearSessionCookies(event.cookies);
		redirect(303, PATHS.home);
	}
};
