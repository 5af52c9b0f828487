import type { DatabaseConnection } from '../../db';

// The NOTIFY channel on which an instance announces that it released a lease.
const RELEASED = 'latchkey_refresh_released';

/**
 * How a lease's waiters learn that it was released: in this process at once, and on a Postgres
 * server across instances too, by NOTIFY and LISTEN (best-effort: waiters also poll). One per
 * database connection.
 */
export class ReleaseSignal {
	// Waiters in this process, by lease id.
	readonly #waiters = new Map<string, Set<() => void>>();
	readonly #connection: Pick<DatabaseConnection, 'notify' | 'subscribe'>;
	#listening = false;

	constructor(connection: Pick<DatabaseConnection, 'notify' | 'subscribe'>) {
		this.#connection = connection;
	}

	/**
	 * Wakes whoever waits for the lease `id`: waiters in this process at once, and on a Postgres
	 * server those of other instances too. Note: sent even where this instance cannot LISTEN
	 * (behind a transaction pooler), for those that can.
	 */
	async announce(id: string): Promise<void> {
		this.#wake(id);
		await this.#connection.notify?.(RELEASED, id).catch(() => {});
	}

	/**
	 * Resolves when the lease `id` is announced released (here, or by another instance once
	 * `listen` subscribed), or after `ms` at the latest. It never rejects: the caller reads the
	 * row again either way.
	 */
	releasedOrTimeout(id: string, ms: number): Promise<void> {
		return new Promise((resolve) => {
			const set = this.#waiters.get(id) ?? new Set();
			this.#waiters.set(id, set);
			const done = () => {
				clearTimeout(timer);
				set.delete(done);
				if (set.size === 0) this.#waiters.delete(id);
				resolve();
			};
			const timer = setTimeout(done, ms);
			set.add(done);
		});
	}

	/** Subscribes to other instances' releases (Postgres server only), once. */
	listen(): void {
		const { subscribe } = this.#connection;
		if (subscribe === null || this.#listening) return;
		this.#listening = true;
		subscribe(RELEASED, (id) => this.#wake(id)).catch(() => {
			// Note: polling still ends every wait; the next wait subscribes again.
			this.#listening = false;
		});
	}

	#wake(id: string): void {
		for (const done of this.#waiters.get(id) ?? []) done();
	}
}
