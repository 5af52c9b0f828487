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
	/** @type {Map<string, { payload: Payload, expiresAt: number }>} keyed by `${model}:${id}` */
	const entries = new Map();
	/** @type {Map<string, string>} `${model}:${uid}` → entry key, for Session.findByUid */
	const uids = new Map();
	/** @type {Map<string, Set<string>>} grant id → keys of everything issued under that grant */
	const grants = new Map();
	let lastSweep = Date.now();

	/** @param {string} key */
	function read(key) {
		const entry = entries.get(key);
		if (entry && entry.expiresAt <= Date.now()) {
			entries.delete(key);
			return undefined;
		}
		return entry?.payload;
	}

	function sweep() {
		lastSweep = Date.now();
		for (const key of entries.keys()) read(key);
		for (const [uid, key] of uids) if (!entries.has(key)) uids.delete(uid);
		for (const [grantId, keys] of grants) {
			for (const key of keys) if (!entries.has(key)) keys.delete(key);
			if (keys.size === 0) grants.delete(grantId);
		}
	}

	return (model) => {
		/** @param {string} id */
		const keyFor = (id) => `${model}:${id}`;

		return {
			async upsert(id, payload, expiresIn) {
				if (Date.now() - lastSweep > SWEEP_INTERVAL_MS) sweep();
				const key = keyFor(id);
				const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
				entries.set(key, { payload, expiresAt });
				if (payload.uid) uids.set(`${model}:${payload.uid}`, key);
				if (payload.grantId) {
					const keys = grants.get(payload.grantId) ?? new Set();
					grants.set(payload.grantId, keys.add(key));
				}
			},
			async find(id) {
				return read(keyFor(id));
			},
			async findByUid(uid) {
				const key = uids.get(`${model}:${uid}`);
				return key ? read(key) : undefined;
			},
			// User codes belong to the device flow, which the local IdP does not enable.
			async findByUserCode() {
				return undefined;
			},
			async consume(id) {
				const payload = read(keyFor(id));
				if (payload) payload.consumed = Math.floor(Date.now() / 1000);
			},
			async destroy(id) {
				entries.delete(keyFor(id));
			},
			async revokeByGrantId(grantId) {
				for (const key of grants.get(grantId) ?? []) entries.delete(key);
				grants.delete(grantId);
			}
		};
	};
}
