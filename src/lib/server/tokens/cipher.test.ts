import { CompactEncrypt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, keyIdOf, tokenKeyId } from './cipher';

const OLD = 'the-old-secret-0123456789abcdefghijklmnop';
const NEW = 'the-new-secret-0123456789abcdefghijklmnop';

describe('the token cipher', () => {
	it('can open what a configured secret sealed, and says so before trying', async () => {
		const sealedByOld = await createTokenCipher([OLD]).encrypt('token');
		expect(await createTokenCipher([NEW, OLD]).canOpen(sealedByOld)).toBe(true);
		// The old secret was removed: no key of this ring has that id.
		expect(await createTokenCipher([NEW]).canOpen(sealedByOld)).toBe(false);
	});

	it('round-trips, and never encrypts the same token to the same text', async () => {
		const cipher = createTokenCipher([NEW]);
		const [a, b] = [await cipher.encrypt('token'), await cipher.encrypt('token')];
		expect(a).not.toBe(b);
		expect(await cipher.decrypt(a)).toBe('token');
	});

	it('seals under the newest secret and names its key in the header', async () => {
		const cipher = createTokenCipher([NEW, OLD]);
		const jwe = await cipher.encrypt('gho_token');

		expect(decodeProtectedHeader(jwe)).toEqual({
			alg: 'dir',
			enc: 'A256GCM',
			kid: await tokenKeyId(NEW)
		});
		expect(jwe).not.toContain('gho_token');
		expect(await createTokenCipher([NEW]).decrypt(jwe)).toBe('gho_token');
		await expect(createTokenCipher([OLD]).decrypt(jwe)).rejects.toThrow(/No secret holds/);
	});

	it('opens a token sealed under an older secret, and reseals it under the newest', async () => {
		const sealedBefore = await createTokenCipher([OLD]).encrypt('ghr_refresh');
		const cipher = createTokenCipher([NEW, OLD]);

		expect(await cipher.decrypt(sealedBefore)).toBe('ghr_refresh');
		const resealed = await cipher.reseal(sealedBefore);
		expect(keyIdOf(resealed)).toBe(await tokenKeyId(NEW));
		expect(await createTokenCipher([NEW]).decrypt(resealed)).toBe('ghr_refresh');
		// Already under the newest key: the same ciphertext back, no new encryption.
		expect(await cipher.reseal(resealed)).toBe(resealed);
	});

	it('gives each secret its own key id, the same in every process, revealing nothing of it', async () => {
		const [a, b] = [await tokenKeyId(NEW), await tokenKeyId(OLD)];
		expect(a).not.toBe(b);
		expect(await tokenKeyId(NEW)).toBe(a);
		expect(a).not.toContain(NEW.slice(0, 8));
	});

	it('opens a token sealed before key ids with whichever secret sealed it, in any order', async () => {
		// The format before key ids: the same key, no `kid` in the header.
		const material = await crypto.subtle.importKey(
			'raw',
			new TextEncoder().encode(OLD),
			'HKDF',
			false,
			['deriveKey']
		);
		const key = await crypto.subtle.deriveKey(
			{
				name: 'HKDF',
				hash: 'SHA-256',
				salt: new Uint8Array(),
				info: new TextEncoder().encode('latchkey provider tokens v1')
			},
			material,
			{ name: 'AES-GCM', length: 256 },
			false,
			['encrypt']
		);
		const legacy = await new CompactEncrypt(new TextEncoder().encode('legacy-token'))
			.setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
			.encrypt(key);

		expect(keyIdOf(legacy)).toBeNull();
		expect(await createTokenCipher([NEW, OLD]).decrypt(legacy)).toBe('legacy-token');
		// While a new secret is only accepted (AUTH_SECRET_ENCRYPTS), the old one comes first.
		expect(await createTokenCipher([OLD, NEW]).decrypt(legacy)).toBe('legacy-token');
		await expect(createTokenCipher([NEW]).decrypt(legacy)).rejects.toThrow(/No secret opens/);
	});

	it('encrypts with the first secret listed, whichever is newer', async () => {
		const cipher = createTokenCipher([OLD, NEW]);
		const jwe = await cipher.encrypt('gho_token');
		expect(keyIdOf(jwe)).toBe(await tokenKeyId(OLD));
		expect(await createTokenCipher([OLD]).decrypt(jwe)).toBe('gho_token');
	});
});
