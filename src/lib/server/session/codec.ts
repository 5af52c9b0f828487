import type { JWT, JWTDecodeParams, JWTEncodeParams } from '@auth/core/jwt';
import { EncryptJWT, base64url, calculateJwkThumbprint, jwtDecrypt } from 'jose';
import { LRUCache } from 'lru-cache';

/**
 * The content encryptions Auth.js reads, with their key sizes. Auth.js writes A256CBC-HS512; we
 * write A256GCM, which Auth.js reads too: Web Crypto does it in one call with a key imported
 * once, where CBC-HS512 splits and re-imports its key on every token.
 */
const KEY_BYTES = { A256GCM: 32, 'A256CBC-HS512': 64 } as const;
type Encryption = keyof typeof KEY_BYTES;
const ENC: Encryption = 'A256GCM';
// Note: Auth.js's own decode allows this much clock skew on `exp`; so do we.
const CLOCK_TOLERANCE_SECONDS = 15;

interface SessionKey {
	key: CryptoKey | Uint8Array;
	/** The JWK thumbprint of the key, as Auth.js names its keys in the JWE header. */
	kid: string;
}

export interface SessionCodec {
	encode(params: JWTEncodeParams): Promise<string>;
	decode(params: JWTDecodeParams): Promise<JWT | null>;
}

/**
 * Auth.js's session token `encode`/`decode`, in Auth.js's own format (its HKDF derivation, `dir`
 * JWE and `kid`), so the cookies of either one are read by the other. Two things make it cheap:
 * - keys and their thumbprints are derived once per secret, salt and encryption, not per call;
 * - decoded tokens are memoized by their exact ciphertext in a bounded LRU. A JWE is
 *   authenticated, so the same bytes always give the same claims; `exp` is still checked on
 *   every use. The claims come back deeply frozen, shared by every use of that token: callers
 *   build a new object to change them (a copy per call cost more than the decode itself).
 */
export function createSessionCodec({ cacheSize = 5_000 } = {}): SessionCodec {
	const keys = new Map<string, Promise<SessionKey>>();
	// Decoded claims by ciphertext, one cache per secret list and salt (cookie name).
	const decodedBy = new Map<string, LRUCache<string, JWT>>();
	function decodedCache(secrets: string[], salt: string): LRUCache<string, JWT> {
		const id = `${salt}\n${secrets.join('\n')}`;
		let cache = decodedBy.get(id);
		if (cache === undefined) {
			cache = new LRUCache({ max: cacheSize });
			decodedBy.set(id, cache);
		}
		return cache;
	}

	function keyFor(secret: string, salt: string, enc: Encryption): Promise<SessionKey> {
		const id = JSON.stringify([secret, salt, enc]);
		let key = keys.get(id);
		if (key === undefined) {
			key = deriveSessionKey(secret, salt, enc);
			keys.set(id, key);
		}
		return key;
	}

	return {
		async encode({ token = {}, secret, salt, maxAge = 30 * 24 * 60 * 60 }) {
			const [current] = [secret].flat();
			if (current === undefined) throw new Error('No secret to encode the session with');
			const { key, kid } = await keyFor(current, salt, ENC);
			const iat = nowSeconds();
			// The claims exactly as a decode will read them back (JSON drops undefined fields).
			const claims: JWT = deepFreeze(
				JSON.parse(JSON.stringify({ ...token, iat, exp: iat + maxAge, jti: crypto.randomUUID() }))
			);
			const jwe = await new EncryptJWT(claims)
				.setProtectedHeader({ alg: 'dir', enc: ENC, kid })
				.encrypt(key);
			// The browser sends it back on its next request: that decode needs no decryption.
			decodedCache([secret].flat(), salt).set(jwe, claims);
			return jwe;
		},
		async decode({ token, secret, salt }) {
			if (!token) return null;
			const secrets = [secret].flat();
			const decoded = decodedCache(secrets, salt);
			const cached = decoded.get(token);
			if (cached !== undefined) {
				if (isExpired(cached)) {
					decoded.delete(token);
					return null;
				}
				return cached;
			}
			const { payload } = await jwtDecrypt<JWT>(
				token,
				async ({ kid, enc }) => {
					if (!isEncryption(enc)) throw new Error(`Unsupported session encryption ${enc}`);
					for (const candidate of secrets) {
						const key = await keyFor(candidate, salt, enc);
						if (kid === undefined || kid === key.kid) return key.key;
					}
					throw new Error('No secret matches the session token');
				},
				{
					clockTolerance: CLOCK_TOLERANCE_SECONDS,
					keyManagementAlgorithms: ['dir'],
					contentEncryptionAlgorithms: Object.keys(KEY_BYTES)
				}
			);
			const claims = deepFreeze(payload);
			decoded.set(token, claims);
			return claims;
		}
	};
}

/** HKDF-SHA-256 with Auth.js's salt and info strings, and the key's JWK thumbprint as `kid`. */
async function deriveSessionKey(
	secret: string,
	salt: string,
	enc: Encryption
): Promise<SessionKey> {
	const encoder = new TextEncoder();
	const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, [
		'deriveBits'
	]);
	const bits = new Uint8Array(
		await crypto.subtle.deriveBits(
			{
				name: 'HKDF',
				hash: 'SHA-256',
				salt: encoder.encode(salt),
				info: encoder.encode(`Auth.js Generated Encryption Key (${salt})`)
			},
			material,
			KEY_BYTES[enc] * 8
		)
	);
	const kid = await calculateJwkThumbprint(
		{ kty: 'oct', k: base64url.encode(bits) },
		bits.byteLength === 32 ? 'sha256' : 'sha512'
	);
	// Note: jose takes CBC-HS512 keys as bytes only; a GCM key is imported once, here.
	const key =
		enc === 'A256GCM'
			? await crypto.subtle.importKey('raw', bits, 'AES-GCM', false, ['encrypt', 'decrypt'])
			: bits;
	return { key, kid };
}

function isEncryption(enc: string): enc is Encryption {
	return Object.hasOwn(KEY_BYTES, enc);
}

/** Freezes JSON claims and everything in them. */
function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		for (const inner of Object.values(value)) deepFreeze(inner);
		Object.freeze(value);
	}
	return value;
}

function isExpired(claims: JWT): boolean {
	return typeof claims.exp === 'number' && claims.exp + CLOCK_TOLERANCE_SECONDS < nowSeconds();
}

function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}
