import { CompactEncrypt, base64url, compactDecrypt, decodeProtectedHeader } from 'jose';

/**
 * Encrypts provider tokens for storage: compact JWE, `dir` + A256GCM, under a key ring with one
 * key per secret. The first key encrypts; each ciphertext names its key in the `kid` header, so
 * decryption picks that key instead of trying each one.
 */
export interface TokenCipher {
	encrypt(plaintext: string): Promise<string>;
	decrypt(jwe: string): Promise<string>;
	/** The ciphertext itself when the encrypting key sealed it, else re-encrypted under that key. */
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
 * A cipher over `secrets`, the encrypting one first (as `readSecrets` lists them). Each key and
 * its id are derived from its secret by HKDF-SHA-256, once per cipher. Note: a ciphertext from
 * before key ids (no `kid`) is opened by whichever key authenticates it (AES-GCM tells), since
 * the secret of that time need not be the oldest listed while a new one rolls out.
 */
export function createTokenCipher(secrets: readonly string[]): TokenCipher {
	const ring = Promise.all(secrets.map(deriveTokenKey));
	async function currentKey(): Promise<TokenKey> {
		const [current] = await ring;
		if (current === undefined) throw new Error('A token cipher needs at least one secret');
		return current;
	}
	async function open(jwe: string): Promise<Uint8Array> {
		const { kid } = decodeProtectedHeader(jwe);
		const keys = await ring;
		if (kid === undefined) return openWithAnyKey(jwe, keys);
		const key = keys.find((candidate) => candidate.kid === kid);
		if (key === undefined) throw new Error(`No secret holds the token key ${kid}`);
		return (await compactDecrypt(jwe, key.key)).plaintext;
	}
	const cipher: TokenCipher = {
		async encrypt(plaintext) {
			const current = await currentKey();
			return new CompactEncrypt(encoder.encode(plaintext))
				.setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: current.kid })
				.encrypt(current.key);
		},
		async decrypt(jwe) {
			return new TextDecoder().decode(await open(jwe));
		},
		async canOpen(jwe) {
			const kid = keyIdOf(jwe);
			if (kid === null)
				return open(jwe).then(
					() => true,
					() => false
				);
			return (await ring).some((key) => key.kid === kid);
		},
		async reseal(jwe) {
			if (keyIdOf(jwe) === (await currentKey()).kid) return jwe;
			return cipher.encrypt(await cipher.decrypt(jwe));
		}
	};
	return cipher;
}

async function openWithAnyKey(jwe: string, keys: TokenKey[]): Promise<Uint8Array> {
	for (const { key } of keys) {
		const opened = await compactDecrypt(jwe, key).catch(() => null);
		if (opened !== null) return opened.plaintext;
	}
	throw new Error('No secret opens the token (sealed before key ids)');
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
