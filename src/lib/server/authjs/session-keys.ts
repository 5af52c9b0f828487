import { base64url, calculateJwkThumbprint } from 'jose';

/**
 * The content encryptions Auth.js reads, with their key sizes. Auth.js writes A256CBC-HS512; we
 * write A256GCM, which Auth.js reads too: Web Crypto does it in one call with a key imported
 * once, where CBC-HS512 splits and re-imports its key on every token.
 */
const KEY_BYTES = { A256GCM: 32, 'A256CBC-HS512': 64 } as const;
export type Encryption = keyof typeof KEY_BYTES;

/** The encryptions a session token may use, for jose's allow-list. */
export const SESSION_ENCRYPTIONS = Object.keys(KEY_BYTES);

interface SessionKey {
	key: CryptoKey | Uint8Array;
	/** The JWK thumbprint of the key, as Auth.js names its keys in the JWE header. */
	kid: string;
}

/** The session key for a secret, salt (cookie name) and encryption. */
export type SessionKeys = (secret: string, salt: string, enc: Encryption) => Promise<SessionKey>;

/** Session keys in Auth.js's derivation, each derived once per secret, salt and encryption. */
export function createSessionKeys(): SessionKeys {
	const keys = new Map<string, Promise<SessionKey>>();
	return (secret, salt, enc) => {
		const id = JSON.stringify([secret, salt, enc]);
		let key = keys.get(id);
		if (key === undefined) {
			key = deriveSessionKey(secret, salt, enc);
			keys.set(id, key);
		}
		return key;
	};
}

export function isEncryption(enc: string): enc is Encryption {
	return Object.hasOwn(KEY_BYTES, enc);
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
