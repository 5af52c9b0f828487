import { CompactEncrypt, compactDecrypt } from 'jose';

/** Encrypts provider tokens for storage: compact JWE, `dir` + A256GCM. */
export interface TokenCipher {
	encrypt(plaintext: string): Promise<string>;
	decrypt(jwe: string): Promise<string>;
}

const encoder = new TextEncoder();
// Note: changing the info string changes the key, so it carries a version.
const KEY_INFO = 'latchkey provider tokens v1';

/** Derives the AES-256-GCM key from `AUTH_SECRET` with HKDF-SHA-256, once per cipher. */
export function createTokenCipher(secret: string): TokenCipher {
	const key = deriveKey(secret);
	return {
		async encrypt(plaintext) {
			return new CompactEncrypt(encoder.encode(plaintext))
				.setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
				.encrypt(await key);
		},
		async decrypt(jwe) {
			const { plaintext } = await compactDecrypt(jwe, await key);
			return new TextDecoder().decode(plaintext);
		}
	};
}

async function deriveKey(secret: string): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, [
		'deriveKey'
	]);
	return crypto.subtle.deriveKey(
		{ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: encoder.encode(KEY_INFO) },
		material,
		{ name: 'AES-GCM', length: 256 },
		false,
		['encrypt', 'decrypt']
	);
}
