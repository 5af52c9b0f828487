import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it, vi } from 'vitest';
import { buildServices, type Services } from '../app/create-app';
import { readConfig } from '../app/read-config';
import type { Env } from '../config/env';
import type { Database, DatabaseConnection } from '../db';
import { createSessionCodec } from './codec';
import { readSession } from './reader';

const OLD = 'rotation-old-secret-0123456789abcdefghijklmnop';
const NEW = 'rotation-new-secret-0123456789abcdefghijklmnop';
const COOKIE = 'authjs.session-token';

/** No database: these reads are the cookie's alone, and a query would fail the test. */
const NO_DATABASE: DatabaseConnection = {
	db: new Proxy({} as Database, {
		get(_, name) {
			throw new Error(`this test has no database (db.${String(name)})`);
		}
	}),
	subscribe: null,
	notify: null,
	pool: { driver: 'pglite', maxConnections: 0 },
	close: async () => {}
};

/** The app's services as `env` configures them (with a trusted host), over no database. */
function servicesFrom(env: Env): Services {
	return buildServices(readConfig({ AUTH_TRUST_HOST: 'true', ...env }), NO_DATABASE);
}

const services = servicesFrom({
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

async function read(cookie: string, app: Services = services) {
	const authjs = vi.fn(async () => null);
	const event = {
		url: new URL('http://127.0.0.1:5173/'),
		cookies: { getAll: () => [{ name: COOKIE, value: cookie }] }
	} as unknown as RequestEvent;
	const session = await readSession(app, event, authjs);
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

	it('reads a cookie under a secret it lacks as signed out, without Auth.js, which would clear it', async () => {
		const { session, throughAuthjs } = await read(await cookieUnder(`elsewhere-${OLD}`));
		expect(throughAuthjs).toBe(false);
		expect(session).toBeNull();
	});

	it('sends a cookie that is no session token at all to Auth.js, which clears it', async () => {
		const forged = (await cookieUnder(NEW)).replace(/\.[^.]+$/, '.AAAA');
		expect((await read('not-a-token')).throughAuthjs).toBe(true);
		expect((await read(forged)).throughAuthjs).toBe(true);
	});
});

describe('a session cookie while a new secret is only accepted (AUTH_SECRET_ENCRYPTS)', () => {
	const ENV = {
		AUTH_GITHUB_ID: 'rotation-test-client',
		AUTH_GITHUB_SECRET: 'rotation-test-secret'
	};

	it('encrypts with the named secret, reads both, and re-issues neither', async () => {
		const configured = servicesFrom({
			...ENV,
			AUTH_SECRET: OLD,
			AUTH_SECRET_1: NEW,
			AUTH_SECRET_ENCRYPTS: 'AUTH_SECRET'
		});
		expect(configured.session.secrets).toEqual([OLD, NEW]);
		for (const secret of [OLD, NEW]) {
			const { session, throughAuthjs } = await read(await cookieUnder(secret), configured);
			expect(throughAuthjs).toBe(false);
			expect(session).toMatchObject({ user: { id: 'user-1' } });
		}
	});
});
