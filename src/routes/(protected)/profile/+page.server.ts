import { error, fail, redirect } from '@sveltejs/kit';
import { PATHS } from '$lib/paths';
import { checkDeletionConfirmation, deleteAccount } from '$lib/server/account/deletion';
import { readProfilePage, renameUser, unlinkSignInMethod } from '$lib/server/account/profile';
import { clearSessionCookies, reissueSessionCookie } from '$lib/server/authjs';
import {
	readActionInput,
	readSensitiveActionInput,
	requireUser
} from '$lib/server/web/require-user';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireUser(event);
	const page = await readProfilePage(
		event.locals.app,
		user.id,
		event.url.searchParams.get('linkError')
	);
	if (page === null) error(404, 'Your account no longer exists.');
	return page;
};

export const actions: Actions = {
	rename: async (event) => {
		const { user, form } = await readActionInput(event);
		const result = await renameUser(event.locals.app.db, user.id, form.get('name'));
		if (!result.ok) return fail(400, { name: result.name, error: result.error });
		await reissueSessionCookie(event);
		return { saved: true };
	},
	unlink: async (event) => {
		const { user, form, client } = await readSensitiveActionInput(event);
		const result = await unlinkSignInMethod(
			event.locals.app,
			user.id,
			form.get('provider'),
			client
		);
		if (!result.ok) return fail(400, { unlinkError: result.error });
		await reissueSessionCookie(event);
		return { unlinked: result.name };
	},
	deleteAccount: async (event) => {
		const { user, form, client } = await readSensitiveActionInput(event);
		const refusal = checkDeletionConfirmation(form.get('confirm'));
		if (refusal !== null) return fail(400, { deleteError: refusal });
		await deleteAccount(event.locals.app, user.id, client);
		clearSessionCookies(event.cookies, event.url);
		redirect(303, PATHS.home);
	}
};
