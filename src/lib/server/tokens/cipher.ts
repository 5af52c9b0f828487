import { CompactEncrypt, base64url, compactDecrypt, decodeProtectedHeader } from 'jose';

/**
 * Encrypts provider tokens for storage: compact JWE, `dir` + A256GCM, under a key ring with one
 * key per secret. The newest key encrypts; each ciphertext names its key in the `kid` header, so
 * decryption picks that key instead of trying each one.
 */
export interface TokenCipher {
	encrypt(plaintext: string): Promise<string>;
	decrypt(jwe: string): Promise<string>;
	/** The ciphertext itself when the newest key sealed it, else re-encrypted under that key. */
	reseal(jwe: string): Promise<string>;
	/** False when no configured secret holds the key that sealed `jwe` (that secret was removed). */
	canOpen(jwe: string): Promise<boolean>;
}

interface TokenKey {
	kid: string;
	key: CryptoKey;
}

const encoder = new TextEncoder();
// Note: changing the info string changes the key, so it carries a version.
const KEY_INFO = 'latchkey provider tokens v1';
const KEY_ID_INFO = 'latchkey provider tokens key id v1';
const KEY_ID_BYTES = 9;

/**
 * A cipher over `secrets`, newest first (as `readSecrets` lists them). Each key and its id are
 * derived from its secret by HKDF-SHA-256, once per cipher. Note: ciphertexts from before key
 * ids (no `kid`) are opened by the oldest secret, the only one there was then.
 */
export function createTokenCipher(secrets: readonly string[]): TokenCipher {
	const ring = Promise.all(secrets.map(deriveTokenKey));
	async function newestKey(): Promise<TokenKey> {
		const [newest] = await ring;
		if (newest === undefined) throw new Error('A token cipher needs at least one secret');
		return newest;
	}
	async function keyFor(jwe: string): Promise<TokenKey> {
		const { kid } = decodeProtectedHeader(jwe);
		const keys = await ring;
		const key = kid === undefined ? keys.at(-1) : keys.find((candidate) => candidate.kid === kid);
		if (key === undefined) throw new Error(`No secret holds the token key ${kid}`);
		return key;
	}
	const cipher: TokenCipher = {
		async encrypt(plaintext) {
			const newest = await newestKey();
			return new CompactEncrypt(encoder.encode(plaintext))
				.setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: newest.kid })
				.encrypt(newest.key);
		},
		async decrypt(jwe) {
			const { plaintext } = await compactDecrypt(jwe, (await keyFor(jwe)).key);
			return new TextDecoder().decode(plaintext);
		},
		async canOpen(jwe) {
			return keyFor(jwe).then(
				() => true,
				() => false
			);
		},
		async reseal(jwe) {
			if (keyIdOf(jwe) === (await newestKey()).kid) return jwe;
			return cipher.encrypt(await cipher.decrypt(jwe));
		}
	};
	return cipher;
}

/** The key id of the key derived from `secret`: how operators tell which secret sealed a token. */
export async function tokenKeyId(secret: string): Promise<string> {
	return (await deriveTokenKey(secret)).kid;
}

/** The key id a stored ciphertext names, or null when it names none (sealed before key ids). */
export function keyIdOf(jwe: string): string | null {
	return decodeProtectedHeader(jwe).kid ?? null;
}

async function deriveTokenKey(secret: string): Promise<TokenKey> {
	const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, [
		'deriveKey',
		'deriveBits'
	]);
	const hkdf = (info: string) => ({
		name: 'HKDF',
		hash: 'SHA-256',
		salt: new Uint8Array(),
		info: encoder.encode(info)
	});
	const key = await crypto.subtle.deriveKey(
		hkdf(KEY_INFO),
		material,
		{ name: 'AES-GCM', length: 256 },
		false,
		['encrypt', 'decrypt']
	);
	// A separate HKDF output: the id says which secret it is, and nothing about the key.
	const idBits = await crypto.subtle.deriveBits(hkdf(KEY_ID_INFO), material, KEY_ID_BYTES * 8);
	return { kid: base64url.encode(new Uint8Array(idBits)), key };
}
