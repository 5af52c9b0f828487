import { redirect } from '@sveltejs/kit';
import { PATHS } from '$lib/paths';
import { signOut } from '../../auth';
import type { RequestHandler } from './$types';

// A form POST, so SvelteKit's origin check guards it against cross-site requests.
export const POST: RequestHandler = async (event) => {
	await signOut(event);
	// Note: not reached: signOut clears the session cookies and throws its redirect to `redirectTo`.
	redirect(303, PATHS.signIn);
};
