import { SvelteKitAuth, type SvelteKitAuthConfig } from '@auth/sveltekit';
import { env } from '$env/dynamic/private';
import { configForRequest, createAuthConfig } from '../auth.config';

// Built on first use: env is read at run time, after the `init` hook connected the database.
let config: SvelteKitAuthConfig | undefined;

export const { handle, signIn, signOut } = SvelteKitAuth(async (event) =>
	configForRequest((config ??= createAuthConfig(env)), event.url)
);
