import type { BeforeNavigate } from '@sveltejs/kit';
import { goto } from '$app/navigation';
import { isPublicPath, signInPath } from '$lib/paths';
import type { SessionStore } from './session.svelte';

/**
 * The `beforeNavigate` guard: a client navigation to a non-public page goes ahead only when the
 * user is signed in. While the session store's word is fresh this decides at once; otherwise it
 * holds the navigation, asks the server, then resumes it or goes to sign-in.
 */
export function guardNavigation(session: SessionStore) {
	// The navigation this guard resumed itself: it is let through, whatever the check said.
	let resumed: string | null = null;
	return ({ to, type, cancel }: BeforeNavigate): void => {
		if (type === 'leave' || to === null || to.url.origin !== location.origin) return;
		if (isPublicPath(to.url.pathname)) return;
		if (to.url.href === resumed) {
			resumed = null;
			return;
		}

		const known = session.peek();
		if (known === 'signed-in') return;
		cancel();
		if (known === 'signed-out') {
			void goto(signInPath(to.url));
			return;
		}
		void session.check().then((status) => {
			if (status === 'signed-out') return goto(signInPath(to.url));
			// Note: 'unknown' (network trouble) lets the navigation through; the server still
			// guards the page, and asking again here would loop while the network is down.
			resumed = to.url.href;
			return goto(to.url);
		});
	};
}
