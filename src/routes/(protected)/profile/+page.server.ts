import { error, fail } from '@sveltejs/kit';
import { assertUser, requireUser } from '$lib/server/auth/guards';
import { refreshSession } from '$lib/server/auth/session';
import { validateDisplayName } from '$lib/profile';
import { findProfile, renameUser } from '$lib/server/profile';
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
	}
};
