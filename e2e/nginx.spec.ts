import { get as httpGet } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test, behindNginx, withoutNginxReason } from './support/behind-nginx';
import { ProxyClient, signInThrough } from './support/proxy-client';
import { signIn } from './support/sign-in';

// The deployment recipe, run for real: deploy/nginx-site.conf in Debian's nginx, with TLS (a
// throwaway certificate), in front of two instances that share one Postgres database.
test.skip(withoutNginxReason !== null, withoutNginxReason ?? '');

const HSTS = 'max-age=63072000; includeSubDomains';
const TTL_SECONDS = 4;
const NEGOTIATE_TIMEOUT_MS = 10_000;

test.describe('through nginx over https', () => {
	test.use({
		appOptions: behindNginx(),
		ignoreHTTPSErrors: true,
		baseURL: async ({ nginx }, use) => use(nginx.origin)
	});

	test('Chromium signs in with __Secure- cookies, pages carry HSTS, http redirects to https, and a forged X-Forwarded-Host is ignored', async ({
		page,
		request,
		nginx,
		login
	}) => {
		await signIn(page, 'GitHub', login);
		await expect(page).toHaveURL(`${nginx.origin}/`);

		const profile = await page.goto('/profile');
		expect(profile?.headers()['strict-transport-security']).toBe(HSTS);
		await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();

		const cookies = await page.context().cookies();
		const session = cookies.filter(({ name }) => name.includes('authjs.session-token'));
		expect(session.length).toBeGreaterThan(0);
		for (const cookie of session) {
			expect(cookie.name).toMatch(/^__Secure-authjs\.session-token/);
			expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
		}
		expect(cookies.filter(({ name }) => name.startsWith('authjs.'))).toEqual([]);

		const plain = await request.get(`${nginx.httpOrigin}/profile?tab=1`, { maxRedirects: 0 });
		expect(plain.status()).toBe(301);
		expect(plain.headers().location).toBe(`${nginx.origin}/profile?tab=1`);

		// Auth.js's sign-in action builds its URLs from X-Forwarded-Host: nginx sends its own.
		const client = new ProxyClient(nginx.origin, { certificate: nginx.certificate });
		const forged = await client.request('/signin', {
			form: { providerId: 'github', redirectTo: '/' },
			headers: { accept: 'text/html', 'x-forwarded-host': 'evil.example' }
		});
		expect(forged.status).toBe(302);
		const authorize = new URL(forged.headers.location ?? '');
		expect(authorize.searchParams.get('redirect_uri')).toBe(`${nginx.origin}/auth/callback/github`);
		client.close();
	});
});

test.describe('rotation behind nginx', () => {
	test.use({ appOptions: behindNginx({ accessTokenTtl: TTL_SECONDS }) });

	test('requests spread over both instances rotate an expired token exactly once, twice in a row', async ({
		nginx,
		privateStack,
		login
	}) => {
		const client = new ProxyClient(nginx.origin, { certificate: nginx.certificate });
		await signInThrough(client, login);
		let refreshes = 0;
		privateStack.idp.onTokenEndpoint((event) => {
			if (event.grantType === 'refresh_token' && event.ok) refreshes += 1;
		});

		for (const round of [1, 2]) {
			await sleep(TTL_SECONDS * 1000 + 500);
			const seen = (await nginx.accessLog()).length;
			const replies = await Promise.all(
				Array.from({ length: 10 }, () => client.request('/api/get-session-status'))
			);
			expect(replies.map(({ status }) => status)).toEqual(Array(10).fill(200));
			expect(refreshes).toBe(round);
			const upstreams = (await nginx.accessLog()).slice(seen).map((line) => line.split(' ')[1]);
			expect(new Set(upstreams).size, upstreams.join()).toBe(2);
		}
		client.close();
	});
});

test.describe('client addresses behind nginx', () => {
	// 3 sign-in attempts per address per minute, for both instances together.
	test.use({
		appOptions: behindNginx({ env: { AUTH_RATE_LIMIT: '3', AUTH_RATE_LIMIT_WINDOW_SECONDS: '60' } })
	});

	test('two clients get a sign-in limit each, and a forged X-Forwarded-For changes nothing', async ({
		nginx
	}) => {
		const [first, second] = ['127.0.0.2', '127.0.0.3'].map(
			(localAddress) =>
				new ProxyClient(nginx.origin, { certificate: nginx.certificate, localAddress })
		) as [ProxyClient, ProxyClient];
		const startSignIn = (client: ProxyClient, forwardedFor?: string) =>
			client.request('/signin', {
				form: { providerId: 'github', redirectTo: '/' },
				headers: { accept: 'text/html', ...(forwardedFor && { 'x-forwarded-for': forwardedFor }) }
			});
		const statuses = async (client: ProxyClient, forwarded: (string | undefined)[]) => {
			const result = [];
			for (const forwardedFor of forwarded)
				result.push((await startSignIn(client, forwardedFor)).status);
			return result;
		};

		expect(await statuses(first, [undefined, undefined, undefined, undefined])).toEqual([
			302, 302, 302, 429
		]);
		// Claiming another address (the other client's, or any) does not escape the limit.
		expect(await statuses(first, ['127.0.0.3', '203.0.113.7', '127.0.0.3, 198.51.100.2'])).toEqual([
			429, 429, 429
		]);
		// The other client has its own limit, and its forged headers count against it.
		expect(await statuses(second, [undefined, '127.0.0.2', '203.0.113.8', undefined])).toEqual([
			302, 302, 302, 429
		]);
		first.close();
		second.close();
	});

	test('/account/sessions and its activity show each client its own address, never the proxy address', async ({
		browser,
		nginx,
		login
	}) => {
		const clients = ['127.0.0.2', '127.0.0.3'].map(
			(localAddress) =>
				new ProxyClient(nginx.origin, { certificate: nginx.certificate, localAddress })
		);
		for (const client of clients) await signInThrough(client, login);

		// The first client's session, seen in Chromium (the page does not depend on who looks).
		const context = await browser.newContext({ ignoreHTTPSErrors: true, baseURL: nginx.origin });
		await context.addCookies(
			[...clients[0]!.cookies].map(([name, value]) => ({
				name,
				value,
				url: nginx.origin,
				secure: true,
				httpOnly: true,
				sameSite: 'Lax' as const
			}))
		);
		const page = await context.newPage();
		await page.goto('/account/sessions');
		const sessions = page.getByRole('list', { name: 'Active sessions' });
		await expect(sessions.getByRole('listitem')).toHaveCount(2);
		await expect(sessions.getByRole('listitem').filter({ hasText: 'This device' })).toContainText(
			'127.0.0.2 ·'
		);
		await expect(
			sessions.getByRole('listitem').filter({ hasNotText: 'This device' })
		).toContainText('127.0.0.3 ·');
		const activity = page.getByRole('list', { name: 'Recent activity' });
		await expect(activity.getByRole('listitem').filter({ hasText: 'Signed in' })).toHaveCount(2);
		await expect(activity).toContainText('127.0.0.2');
		await expect(activity).toContainText('127.0.0.3');
		for (const list of [sessions, activity]) await expect(list).not.toContainText('127.0.0.1');
		await context.close();
		for (const client of clients) client.close();
	});
});

test.describe('a revoked cookie over https', () => {
	// Sessions are checked against the database at most once a second here (60 s by default).
	test.use({ appOptions: behindNginx({ env: { AUTH_SESSION_CHECK_SECONDS: '1' } }) });

	test('sent back as __Secure-authjs.session-tokenX, it cannot link the attacker’s Google to the victim', async ({
		nginx,
		login
	}) => {
		const certificate = { certificate: nginx.certificate };
		const victim = new ProxyClient(nginx.origin, certificate);
		await signInThrough(victim, login);
		const victimId = (await sessionStatus(victim)).userId;
		const stolen = victim.cookies.get('__Secure-authjs.session-token');
		expect(stolen).toBeDefined();
		expect((await victim.request('/signout', { form: {} })).status).toBe(302);
		await sleep(1_500);

		const attacker = new ProxyClient(nginx.origin, certificate);
		attacker.cookies.set('__Secure-authjs.session-tokenX', stolen!);
		expect((await sessionStatus(attacker)).status).toBe(401);
		await signInThrough(attacker, `${login}-attacker`, 'google');
		attacker.cookies.delete('__Secure-authjs.session-tokenX');
		const planted = await sessionStatus(attacker);
		expect(planted.status).toBe(200);
		expect(planted.userId).not.toBe(victimId);

		await signInThrough(victim, login);
		expect((await sessionStatus(victim)).userId).toBe(victimId);
		expect((await victim.request('/profile')).body).toContain('Connect Google');
		for (const client of [victim, attacker]) client.close();
	});
});

async function sessionStatus(client: ProxyClient): Promise<{ status: number; userId?: string }> {
	return JSON.parse((await client.request('/api/get-session-status')).body);
}

test.describe('what nginx shows the public', () => {
	const METRICS_TOKEN = 'nginx-spec-metrics-token-0123456789';
	const scrapeAuth = { authorization: `Bearer ${METRICS_TOKEN}` };
	test.use({
		appOptions: behindNginx({ env: { METRICS_TOKEN } }),
		ignoreHTTPSErrors: true,
		baseURL: async ({ nginx }, use) => use(nginx.origin)
	});

	test('no nginx version; /metrics and /api/ready only for the scrape network, one port per instance', async ({
		request,
		nginx
	}) => {
		const page = await request.get('/signin');
		expect(page.status()).toBe(200);
		expect(page.headers().server).toBe('nginx');
		// Not proxied at all, so not even the right token reads them through the public site.
		for (const path of ['/metrics', '/%6detrics', '/api/ready']) {
			const hidden = await request.get(path, { headers: scrapeAuth });
			expect(hidden.status(), path).toBe(404);
			expect(hidden.headers().server).toBe('nginx');
			expect(await hidden.text(), path).not.toMatch(/latchkey_|nginx\/\d/);
		}

		// From the scrape network (here 127.0.0.1): each instance's own metrics and readiness.
		for (const origin of nginx.scrapeOrigins) {
			const metrics = await plainGet(`${origin}/metrics`, scrapeAuth);
			expect(metrics.status, origin).toBe(200);
			expect(metrics.body).toContain('latchkey_token_refreshes_total');
			expect((await plainGet(`${origin}/metrics`)).status).toBe(401);
			expect((await plainGet(`${origin}/api/ready`)).status).toBe(200);
			expect((await plainGet(`${origin}/signin`)).status).toBe(404);
			// From anywhere else: refused.
			expect((await plainGet(`${origin}/metrics`, scrapeAuth, '127.0.0.2')).status).toBe(403);
		}
	});

	test('TLS 1.2 offers forward-secret AEAD suites only: no CBC', async ({ nginx }) => {
		const port = Number(new URL(nginx.origin).port);
		expect(await negotiate(port, 'ECDHE-ECDSA-AES128-GCM-SHA256')).toBe(
			'ECDHE-ECDSA-AES128-GCM-SHA256'
		);
		expect(await negotiate(port, 'ECDHE-ECDSA-CHACHA20-POLY1305')).toBe(
			'ECDHE-ECDSA-CHACHA20-POLY1305'
		);
		for (const cbc of ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA384']) {
			expect(await negotiate(port, cbc), cbc).toBeNull();
		}
	});
});

/** A plain-http GET from `localAddress` (default 127.0.0.1): its status and body. */
function plainGet(url: string, headers: Record<string, string> = {}, localAddress = '127.0.0.1') {
	return new Promise<{ status: number; body: string }>((resolve, reject) => {
		const outgoing = httpGet(url, { headers, localAddress }, (incoming) => {
			let body = '';
			incoming.setEncoding('utf8');
			incoming.on('data', (chunk) => (body += chunk));
			incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
		});
		outgoing.on('error', reject);
	});
}

/**
 * The suite a TLS 1.2 handshake offering only `cipher` agrees on, or null when nginx refuses it.
 * A handshake with no outcome within `NEGOTIATE_TIMEOUT_MS` fails the test: silence is no refusal.
 */
function negotiate(port: number, cipher: string) {
	return new Promise<string | null>((resolve, reject) => {
		const socket = tlsConnect({
			host: '127.0.0.1',
			port,
			maxVersion: 'TLSv1.2',
			ciphers: cipher,
			rejectUnauthorized: false
		});
		socket.setTimeout(NEGOTIATE_TIMEOUT_MS, () => {
			reject(new Error(`no TLS handshake outcome for ${cipher} in ${NEGOTIATE_TIMEOUT_MS} ms`));
			socket.destroy();
		});
		socket.once('secureConnect', () => {
			resolve(socket.getCipher().name);
			socket.destroy();
		});
		socket.once('error', () => resolve(null));
	});
}
