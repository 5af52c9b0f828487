import { error, fail, redirect } from '@sveltejs/kit';
import { connectErrorMessage } from '$lib/auth/signin-errors';
import { isProviderId } from '$lib/auth/types';
import { PATHS } from '$lib/paths';
import { unlinkAccount } from '$lib/server/tokens/account-links';
import { assertUser, requireUser } from '$lib/server/session/guards';
import { tokenServices } from '$lib/server/config/services';
import { clearSessionCookies, reissueSessionCookie } from '$lib/server/session/cookies';
import { forgetProviderTokens } from '$lib/server/tokens/forget';
import { DELETE_CONFIRMATION, validateDisplayName } from '$lib/profile';
import { readForm } from '$lib/server/http/form';
import { deleteUser, findProfile, renameUser } from '$lib/server/account/profile';
import { requestClient } from '$lib/server/http/request-client';
import type { Actions, PageServerLoad } from './$types';

const UNLINK_ERRORS = {
	'not-linked': 'That provider is not linked to your account.',
	'last-account': 'You cannot unlink your only sign-in method. Connect another provider first.'
} as const;

export const load: PageServerLoad = async (event) => {
	const user = await requireUser(event);
	const profile = await findProfile(user.id);
	if (profile === null) error(404, 'Your account no longer exists.');
	const connectable = tokenServices()
		.providers.filter(({ id }) => !profile.providers.includes(id))
		.map(({ id, name }) => ({ id, name }));
	return {
		profile,
		connectable,
		linkError: connectErrorMessage(event.url.searchParams.get('linkError'))
	};
};

export const actions: Actions = {
	rename: async (event) => {
		const user = await assertUser(event);
		const input = (await readForm(event.request)).get('name');
		const result = validateDisplayName(input);
		if (!result.ok) return fail(400, { name: String(input ?? ''), error: result.error });
		await renameUser(user.id, result.name);
		await reissueSessionCookie(event);
		return { saved: true };
	},
	unlink: async (event) => {
		const user = await assertUser(event);
		const provider = (await readForm(event.request)).get('provider');
		if (!isProviderId(provider)) return fail(400, { unlinkError: UNLINK_ERRORS['not-linked'] });
		const outcome = await unlinkAccount(user.id, provider, requestClient(event));
		if (outcome !== 'unlinked') return fail(400, { unlinkError: UNLINK_ERRORS[outcome] });
		// The cookie lists the linked accounts: re-issue it without this one.
		await reissueSessionCookie(event);
		return { unlinked: provider };
	},
	deleteAccount: async (event) => {
		const user = await assertUser(event);
		if ((await readForm(event.request)).get('confirm') !== DELETE_CONFIRMATION) {
			return fail(400, { deleteError: `Type ${DELETE_CONFIRMATION} to confirm.` });
		}
		await forgetProviderTokens(user.id);
		await deleteUser(user.id);
		clearSessionCookies(event.cookies);
		redirect(303, PATHS.home);
	}
};
