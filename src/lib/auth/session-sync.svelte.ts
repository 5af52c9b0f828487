import { untrack } from 'svelte';
import { goto, invalidateAll } from '$app/navigation';
import { page } from '$app/state';
import { isPublicPath, signInPath } from '$lib/paths';
import type { SessionStore } from './session.svelte';

const CHANNEL = 'latchkey:session';
// Who this browser's tabs last saw signed in ('' for nobody): a user id, never a secret.
const LAST_USER_KEY = 'latchkey:session-user';

/**
 * Keeps this tab in step with the server and with the other tabs. Call it while the root layout
 * initialises. When this tab learns that the user signed in or out (a page the server rendered,
 * or a status answer), it tells the other tabs on a BroadcastChannel, or through the `storage`
 * event where there is none; each of them then asks the server (a message alone never signs
 * anyone out). A tab that becomes visible again re-checks once its last word is stale.
 */
export function syncSession(session: SessionStore): void {
	let channel: BroadcastChannel | null = null;

	$effect(() => {
		const recheck = () => {
			session.invalidate();
			void session.check();
		};
		const onStorage = (event: StorageEvent) => {
			if (event.key === LAST_USER_KEY) recheck();
		};
		const onVisible = () => {
			if (document.visibilityState === 'visible') void session.check();
		};
		channel = 'BroadcastChannel' in window ? new BroadcastChannel(CHANNEL) : null;
		channel?.addEventListener('message', recheck);
		if (channel === null) addEventListener('storage', onStorage);
		document.addEventListener('visibilitychange', onVisible);
		return () => {
			channel?.close();
			removeEventListener('storage', onStorage);
			document.removeEventListener('visibilitychange', onVisible);
		};
	});

	$effect(() => {
		const userId = session.userId;
		untrack(() => {
			if (shareUser(userId)) channel?.postMessage('changed');
			void followServer(session);
		});
	});
}

/** Records who is signed in for the other tabs; true when that is news to them. */
function shareUser(userId: string | null): boolean {
	const value = userId ?? '';
	if (localStorage.getItem(LAST_USER_KEY) === value) return false;
	localStorage.setItem(LAST_USER_KEY, value);
	return true;
}

/** Brings the page in line with who the server says is signed in. */
async function followServer(session: SessionStore): Promise<void> {
	const shown = page.data.session?.user.id ?? null;
	if (session.userId === shown) return;
	if (session.userId === null && !isPublicPath(page.url.pathname)) {
		await goto(signInPath(page.url), { replaceState: true, invalidateAll: true });
	} else {
		// Someone signed in or out elsewhere: the layout data tells this page who, and how.
		await invalidateAll();
	}
}
