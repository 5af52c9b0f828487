// @ts-check

/** @typedef {import('oidc-provider').AdapterPayload} Payload */

/** Expired entries are dropped when read, and at most this often in bulk so memory stays flat. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * In-memory storage for one oidc-provider instance.
 *
 * oidc-provider's built-in adapter is an LRU capped at about a thousand entries (a long dev session
 * or e2e run could evict a live refresh token) and warns on every start. This one keeps each entry
 * until it expires, which is all a throwaway local IdP needs.
 *
 * @returns {import('oidc-provider').AdapterFactory}
 */
export function createMemoryAdapter() {
	const store = new MemoryStore();
	return (model) => {
		/** @param {string} id */
		const keyFor = (id) => `${model}:${id}`;
		return {
			upsert: async (id, payload, expiresIn) => store.put(model, keyFor(id), payload, expiresIn),
			find: async (id) => store.read(keyFor(id)),
			findByUid: async (uid) => store.readByUid(model, uid),
			// User codes belong to the device flow, which the local IdP does not enable.
			findByUserCode: async () => undefined,
			consume: async (id) => store.consume(keyFor(id)),
			destroy: async (id) => store.remove(keyFor(id)),
			revokeByGrantId: async (grantId) => store.revokeGrant(grantId)
		};
	};
}

/** Every model's entries, keyed by `${model}:${id}`, with the indexes oidc-provider looks up by. */
class MemoryStore {
	/** @type {Map<string, { payload: Payload, expiresAt: number }>} */
	entries = new Map();
	/** @type {Map<string, string>} `${model}:${uid}` → entry key, for Session.findByUid */
	uids = new Map();
	/** @type {Map<string, Set<string>>} grant id → keys of everything issued under that grant */
	grants = new Map();
	lastSweep = Date.now();

	/** @param {string} model @param {string} key @param {Payload} payload @param {number} [expiresIn] */
	put(model, key, payload, expiresIn) {
		if (Date.now() - this.lastSweep > SWEEP_INTERVAL_MS) this.sweep();
		const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
		this.entries.set(key, { payload, expiresAt });
		if (payload.uid) this.uids.set(`${model}:${payload.uid}`, key);
		if (payload.grantId) {
			const keys = this.grants.get(payload.grantId) ?? new Set();
			this.grants.set(payload.grantId, keys.add(key));
		}
	}

	/** @param {string} key */
	read(key) {
		const entry = this.entries.get(key);
		if (entry && entry.expiresAt <= Date.now()) {
			this.entries.delete(key);
			return undefined;
		}
		return entry?.payload;
	}

	/** @param {string} model @param {string} uid */
	readByUid(model, uid) {
		const key = this.uids.get(`${model}:${uid}`);
		return key ? this.read(key) : undefined;
	}

	/** @param {string} key */
	consume(key) {
		const payload = this.read(key);
		if (payload) payload.consumed = Math.floor(Date.now() / 1000);
	}

	/** @param {string} key */
	remove(key) {
		this.entries.delete(key);
	}

	/** @param {string} grantId */
	revokeGrant(grantId) {
		for (const key of this.grants.get(grantId) ?? []) this.entries.delete(key);
		this.grants.delete(grantId);
	}

	sweep() {
		this.lastSweep = Date.now();
		for (const key of this.entries.keys()) this.read(key);
		for (const [uid, key] of this.uids) if (!this.entries.has(key)) this.uids.delete(uid);
		for (const [grantId, keys] of this.grants) {
			for (const key of keys) if (!this.entries.has(key)) keys.delete(key);
			if (keys.size === 0) this.grants.delete(grantId);
		}
	}
}
