import { decode as authjsDecode, encode as authjsEncode, type JWT } from '@auth/core/jwt';
import * as jose from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSessionCodec } from './codec';

vi.mock('jose', async (importOriginal) => {
	const actual = await importOriginal<typeof import('jose')>();
	return { ...actual, jwtDecrypt: vi.fn(actual.jwtDecrypt) };
});

const secret = 'session-token-test-secret';
const salt = 'authjs.session-token';
const claims: JWT = {
	sub: 'user-1',
	name: 'Ada',
	accounts: [{ provider: 'github', providerAccountId: '1', expiresAt: 1 }]
};

afterEach(() => {
	vi.mocked(jose.jwtDecrypt).mockClear();
	vi.useRealTimers();
});

describe('session token codec', () => {
	it('reads and writes Auth.js’s own format, so existing cookies stay valid', async () => {
		const codec = createSessionCodec();
		const ours = await codec.encode({ token: claims, secret, salt });
		const theirs = await authjsEncode({ token: claims, secret, salt });

		expect(await authjsDecode({ token: ours, secret, salt })).toMatchObject(claims);
		expect(await codec.decode({ token: theirs, secret, salt })).toMatchObject(claims);
	});

	it('decrypts each token once, however often it is decoded', async () => {
		const token = await authjsEncode({ token: claims, secret, salt });
		const codec = createSessionCodec();
		for (let i = 0; i < 5; i++) {
			expect(await codec.decode({ token, secret, salt })).toMatchObject(claims);
		}
		expect(jose.jwtDecrypt).toHaveBeenCalledTimes(1);
	});

	it('needs no decryption for a token it issued itself', async () => {
		const codec = createSessionCodec();
		const token = await codec.encode({ token: claims, secret, salt, maxAge: 60 });
		const decoded = await codec.decode({ token, secret, salt });
		expect(decoded).toMatchObject({ ...claims, exp: expect.any(Number), jti: expect.any(String) });
		expect(jose.jwtDecrypt).not.toHaveBeenCalled();
	});

	it('shares one frozen copy of the claims, so no caller can change them for another', async () => {
		const codec = createSessionCodec();
		const token = await codec.encode({ token: claims, secret, salt });
		const first = await codec.decode({ token, secret, salt });
		expect(() => Object.assign(first!, { name: 'Mallory' })).toThrow(TypeError);
		expect(() => first!.accounts!.push(first!.accounts![0]!)).toThrow(TypeError);
		expect((await codec.decode({ token, secret, salt }))?.name).toBe('Ada');
	});

	it('checks expiry on every use, cached or not', async () => {
		const codec = createSessionCodec();
		const token = await codec.encode({ token: claims, secret, salt, maxAge: 60 });
		expect(await codec.decode({ token, secret, salt })).not.toBeNull();

		vi.useFakeTimers({ now: Date.now() + 2 * 60_000 });
		expect(await codec.decode({ token, secret, salt })).toBeNull();
		await expect(createSessionCodec().decode({ token, secret, salt })).rejects.toThrow(/exp/);
	});

	it('refuses a tampered token, one for another cookie name and one under another secret', async () => {
		const codec = createSessionCodec();
		const token = await codec.encode({ token: claims, secret, salt });
		const parts = token.split('.');
		const ciphertext = parts[3]!;
		parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);

		await expect(codec.decode({ token: parts.join('.'), secret, salt })).rejects.toThrow();
		await expect(codec.decode({ token, secret, salt: `__Secure-${salt}` })).rejects.toThrow();
		await expect(codec.decode({ token, secret: 'another-secret', salt })).rejects.toThrow();
	});

	it('keeps a bounded number of decoded tokens', async () => {
		const codec = createSessionCodec({ cacheSize: 2 });
		const tokens = await Promise.all(
			[1, 2, 3].map((n) => authjsEncode({ token: { sub: `user-${n}` }, secret, salt }))
		);
		for (const token of tokens) await codec.decode({ token, secret, salt });
		await codec.decode({ token: tokens[0], secret, salt });
		expect(jose.jwtDecrypt).toHaveBeenCalledTimes(4);
	});
});
