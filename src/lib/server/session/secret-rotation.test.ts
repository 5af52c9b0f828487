import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it, vi } from 'vitest';
import { configureTokenServices } from '../config/services';
import { createSessionCodec } from './codec';
import { readSession } from './reader';

const OLD = 'rotation-old-secret-0123456789abcdefghijklmnop';
const NEW = 'rotation-new-secret-0123456789abcdefghijklmnop';
const COOKIE = 'authjs.session-token';
const services = configureTokenServices({
	AUTH_SECRET: OLD,
	AUTH_SECRET_1: NEW,
	AUTH_GITHUB_ID: 'rotation-test-client',
	AUTH_GITHUB_SECRET: 'rotation-test-client-secret'
});

/** A current session cookie (checked just now, no token due), sealed under `secret` alone. */
async function cookieUnder(secret: string): Promise<string> {
	const now = Math.floor(Date.now() / 1000);
	const token = { sub: 'user-1', sid: 'sid-1', sidCheckedAt: now, authAt: now, accounts: [] };
	return createSessionCodec().encode({ token, secret, salt: COOKIE });
}

async function read(cookie: string) {
	const authjs = vi.fn(async () => null);
	const event = {
		url: new URL('http://127.0.0.1:5173/'),
		cookies: { getAll: () => [{ name: COOKIE, value: cookie }] }
	} as unknown as RequestEvent;
	const session = await readSession(event, authjs);
	return { session, throughAuthjs: authjs.mock.calls.length > 0 };
}

describe('a session cookie while a new secret rolls out', () => {
	it('encrypts with the newest secret', () => {
		expect(services.session.secrets).toEqual([NEW, OLD]);
	});

	it('reads a cookie sealed under the newest secret from the cookie alone', async () => {
		const { session, throughAuthjs } = await read(await cookieUnder(NEW));
		expect(throughAuthjs).toBe(false);
		expect(session).toMatchObject({ user: { id: 'user-1' }, sessionId: 'sid-1' });
	});

	it('sends a cookie sealed under an older secret to Auth.js, which re-issues it', async () => {
		const { throughAuthjs } = await read(await cookieUnder(OLD));
		expect(throughAuthjs).toBe(true);
	});

	it('sends a cookie no secret opens to Auth.js, which signs it out', async () => {
		const { throughAuthjs } = await read(await cookieUnder(`retired-${OLD}`));
		expect(throughAuthjs).toBe(true);
	});
});
