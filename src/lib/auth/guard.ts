import type { BeforeNavigate } from '@sveltejs/kit';
import { goto } from '$app/navigation';
import { isPublicPath, signInPath } from '$lib/paths';
import { checkSessionStatus, peekSessionStatus } from './session-status';

/**
 * `beforeNavigate` guard: a client navigation to a non-public page goes ahead only when the
 * user is signed in. While the cached status is fresh this decides at once; otherwise it holds
 * the navigation, asks the server, then resumes it or goes to sign-in.
 */
export function guardNavigation({ to, type, cancel }: BeforeNavigate): void {
	if (type === 'leave' || to === null || to.url.origin !== location.origin) return;
	if (isPublicPath(to.url.pathname)) return;

	const known = peekSessionStatus();
	if (known === 'signed-in') return;
	cancel();
	if (known === 'signed-out') {
		void goto(signInPath(to.url));
		return;
	}
	void checkSessionStatus().then((status) =>
		// Note: 'unknown' (network trouble) lets the navigation through; the server still guards it.
		goto(status === 'signed-out' ? signInPath(to.url) : to.url)
	);
}
