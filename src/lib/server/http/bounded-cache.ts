/**
 * A Map that keeps at most `capacity` entries and drops the least recently used one first.
 * (A Map iterates in insertion order, so re-inserting an entry on every read keeps the oldest
 * first.)
 */
export class BoundedCache<K, V> {
	readonly #entries = new Map<K, V>();

	constructor(readonly capacity: number) {}

	get(key: K): V | undefined {
		const value = this.#entries.get(key);
		if (value !== undefined) {
			this.#entries.delete(key);
			this.#entries.set(key, value);
		}
		return value;
	}

	set(key: K, value: V): void {
		this.#entries.delete(key);
		this.#entries.set(key, value);
		if (this.#entries.size > this.capacity) {
			const oldest = this.#entries.keys().next();
			if (!oldest.done) this.#entries.delete(oldest.value);
		}
	}

	delete(key: K): void {
		this.#entries.delete(key);
	}

	get size(): number {
		return this.#entries.size;
	}
}
