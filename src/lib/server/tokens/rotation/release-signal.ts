import { notify, subscribe } from '../../db';

// The NOTIFY channel on which an instance announces that it released a lease.
const RELEASED = 'latchkey_refresh_released';

// Waiters in this process, by lease id.
const waiters = new Map<string, Set<() => void>>();

// The database connection this process listens on, once per connection.
let listeningOn: typeof subscribe = null;

/**
 * Wakes whoever waits for the lease `id`: waiters in this process at once, and on a Postgres
 * server those of other instances too, by a NOTIFY (best-effort: they also poll). Note: sent
 * even where this instance cannot LISTEN (behind a transaction pooler), for those that can.
 */
export async function announceRelease(id: string): Promise<void> {
	wake(id);
	if (notify === null) return;
	await notify(RELEASED, id).catch(() => {});
}

/**
 * Resolves when the lease `id` is announced released (here, or by another instance once
 * `listenForReleases` subscribed), or after `ms` at the latest. It never rejects: the caller
 * reads the row again either way.
 */
export function releasedOrTimeout(id: string, ms: number): Promise<void> {
	return new Promise((resolve) => {
		const set = waiters.get(id) ?? new Set();
		waiters.set(id, set);
		const done = () => {
			clearTimeout(timer);
			set.delete(done);
			if (set.size === 0) waiters.delete(id);
			resolve();
		};
		const timer = setTimeout(done, ms);
		set.add(done);
	});
}

/** Subscribes this process to other instances' releases (Postgres server only), once. */
export function listenForReleases(): void {
	if (subscribe === null || listeningOn === subscribe) return;
	listeningOn = subscribe;
	subscribe(RELEASED, wake).catch(() => {
		// Note: polling still ends every wait; the next wait subscribes again.
		listeningOn = null;
	});
}

function wake(id: string): void {
	for (const done of waiters.get(id) ?? []) done();
}
