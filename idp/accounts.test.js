// @ts-check
import { describe, expect, it } from 'vitest';
import { REMOTE_AVATAR_ORIGIN, normalizeLogin, profileFor } from './accounts.js';

describe('profileFor', () => {
	it('draws the picture inline, so nothing is fetched from the network', () => {
		expect(profileFor('ada.lovelace')).toMatchObject({
			name: 'Ada Lovelace',
			email: 'ada.lovelace@example.test',
			picture: expect.stringMatching(/^data:image\/svg\+xml,/)
		});
	});

	it('gives a remote-avatar login an https picture on a host that never resolves', () => {
		expect(profileFor('remote-avatar-1').picture).toBe(
			`${REMOTE_AVATAR_ORIGIN}/remote-avatar-1.png`
		);
		expect(new URL(REMOTE_AVATAR_ORIGIN).hostname).toMatch(/\.test$/);
	});

	it('gives an unverified- login the address of the login after it, unverified', () => {
		expect(profileFor('unverified-grace')).toMatchObject({
			email: 'grace@example.test',
			emailVerified: false
		});
		expect(profileFor('grace')).toMatchObject({ email: 'grace@example.test', emailVerified: true });
	});

	it('is derived from the login alone', () => {
		expect(profileFor('grace')).toEqual(profileFor(normalizeLogin(' Grace ') ?? ''));
	});
});
