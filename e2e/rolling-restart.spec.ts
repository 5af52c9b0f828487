import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { behindNginx, expect, test, withoutNginxReason } from './support/behind-nginx';
import { ProxyClient, signInThrough, type Reply } from './support/proxy-client';

// Restarting the instances behind nginx one at a time, as deploy/rolling-restart.sh does.
test.skip(withoutNginxReason !== null, withoutNginxReason ?? '');

/** When the one stored access token expires, in epoch ms (the app stores whole seconds). */
async function storedExpiryMs(database: URL): Promise<number> {
	const sql = postgres(database.href, { max: 1, onnotice: () => {} });
	try {
		const [account] = await sql`select expires_at from accounts`;
		return Number(account?.expires_at) * 1000;
	} finally {
		await sql.end();
	}
}

test.describe('stopping an instance', () => {
	// 8 s tokens: each falls due in its last 2 s (a quarter of its life), at the latest 0.5 s
	// before it expires (the account's own point of the window: docs/rotation.md).
	test.use({ appOptions: behindNginx({ accessTokenTtl: 8 }) });

	test('SIGTERM waits for a background refresh: its tokens are stored, its lease released, and the process exits 0', async ({
		nginx,
		privateStack,
		freshDatabase,
		login
	}) => {
		const client = new ProxyClient(nginx.origin, { certificate: nginx.certificate });
		await signInThrough(client, login);
		const expiresAtMs = await storedExpiryMs(freshDatabase!);
		let refreshes = 0;
		privateStack.idp.onTokenEndpoint((event) => {
			if (event.grantType === 'refresh_token' && event.ok) refreshes += 1;
		});
		privateStack.idp.faults.set({ github: { latencyMs: 2_000 } });

		// Due, still valid: the answer comes at once, the refresh runs behind it.
		await sleep(expiresAtMs - 400 - Date.now());
		const first = privateStack.apps[0]!;
		// Straight to the first instance (as nginx would pass it on), so that we know which to stop.
		const status = await fetch(`${first.url}/api/get-session-status`, {
			headers: { cookie: client.cookieHeader(), 'x-forwarded-for': '127.0.0.1' }
		});
		expect(status.status).toBe(200);
		expect(refreshes).toBe(0);

		expect(await first.stop()).toBe(0);
		expect(refreshes).toBe(1);
		const sql = postgres(freshDatabase!.href, { max: 1, onnotice: () => {} });
		try {
			const accounts = await sql`select refresh_claim_id from accounts`;
			expect(accounts).toEqual([{ refresh_claim_id: null }]);
			const [rotated] = await sql`
				select count(*)::int as count from audit_events where event = 'token_refreshed'`;
			expect(rotated?.count).toBe(1);
		} finally {
			await sql.end();
		}

		// Through nginx the other instance answers, with the new tokens.
		privateStack.idp.faults.reset();
		expect((await client.request('/api/get-session-status')).status).toBe(200);
		expect(refreshes).toBe(1);
		client.close();
	});
});

/** What the browsing users saw. */
interface Browsing {
	requests: number;
	failures: string[];
	signOuts: string[];
	latenciesMs: number[];
	slowest: { path: string; ms: number; at: number };
}

const PAGES = ['/', '/api/get-session-status', '/connections', '/account/sessions', '/profile'];

/** A signed-in user going through the pages while `browsing()`, one every 50 ms or so. */
async function browse(client: ProxyClient, seen: Browsing, browsing: () => boolean) {
	for (let i = 0; browsing(); i++) {
		const path = PAGES[i % PAGES.length]!;
		const started = performance.now();
		let reply: Reply;
		try {
			reply = await client.request(path);
		} catch (error) {
			seen.failures.push(`${path}: ${error instanceof Error ? error.message : error}`);
			continue;
		}
		seen.requests += 1;
		const ms = performance.now() - started;
		seen.latenciesMs.push(ms);
		if (ms > seen.slowest.ms) seen.slowest = { path, ms, at: started };
		if (reply.status === 401 || reply.headers.location?.startsWith('/signin')) {
			seen.signOuts.push(`${path}: ${reply.status} ${reply.headers.location ?? reply.body}`);
		} else if (reply.status !== 200) {
			seen.failures.push(`${path}: ${reply.status}`);
		}
		await sleep(50);
	}
}

/** When `at` was, from the start of the last restart before it. */
function describeMoment(at: number, restarts: { started: number }[]): string {
	const last = restarts.findLastIndex(({ started }) => started <= at);
	if (last === -1) return 'before the first restart';
	return `${Math.round(at - restarts[last]!.started)} ms after restart ${last + 1} began`;
}

test.describe('a rolling restart', () => {
	// 10 s tokens, and a provider that takes 300 ms: refreshes are under way all the time.
	test.use({ appOptions: behindNginx({ accessTokenTtl: 10 }) });

	test('restarting the instances one at a time while 6 users browse: no failed request, nobody signed out', async ({
		nginx,
		privateStack,
		login
	}, testInfo) => {
		test.setTimeout(180_000);
		const clients = Array.from(
			{ length: 6 },
			() => new ProxyClient(nginx.origin, { certificate: nginx.certificate })
		);
		for (const [index, client] of clients.entries())
			await signInThrough(client, `${login}-${index}`);
		privateStack.idp.faults.set({ github: { latencyMs: 300 } });
		let refreshes = 0;
		privateStack.idp.onTokenEndpoint((event) => {
			if (event.grantType === 'refresh_token' && event.ok) refreshes += 1;
		});

		const seen: Browsing = {
			requests: 0,
			failures: [],
			signOuts: [],
			latenciesMs: [],
			slowest: { path: '', ms: 0, at: 0 }
		};
		let browsing = true;
		const users = Promise.all(clients.map((client) => browse(client, seen, () => browsing)));
		await sleep(3_000);

		const restarts: { started: number; ms: number }[] = [];
		for (const index of privateStack.apps.keys()) {
			const started = performance.now();
			// SIGTERM, the process exits, then a new one on the same port answers.
			expect(await privateStack.restartInstance(index)).toBe(0);
			restarts.push({ started, ms: Math.round(performance.now() - started) });
			const ready = await fetch(`${privateStack.apps[index]!.url}/api/ready`);
			expect(ready.status).toBe(200);
			// nginx sends it requests again once fail_timeout has passed since the last request it
			// refused, counted in whole seconds: only then may the next one stop.
			await sleep(nginx.failTimeoutMs + 1_500);
		}
		await sleep(3_000);
		browsing = false;
		await users;
		for (const client of clients) client.close();

		const sorted = seen.latenciesMs.toSorted((a, b) => a - b);
		const figure =
			`${seen.requests} requests, ${seen.failures.length} failed, ${seen.signOuts.length} signed out, ` +
			`max ${Math.round(sorted.at(-1) ?? 0)} ms, p99 ${Math.round(sorted[Math.floor(sorted.length * 0.99)] ?? 0)} ms; ` +
			`${refreshes} token refreshes; restarts took ${restarts.map(({ ms }) => ms).join(' and ')} ms; ` +
			`slowest ${seen.slowest.path}, ${describeMoment(seen.slowest.at, restarts)}`;
		console.log(`rolling restart: ${figure}`);
		testInfo.annotations.push({ type: 'rolling restart', description: figure });

		expect(seen.failures).toEqual([]);
		expect(seen.signOuts).toEqual([]);
		expect(seen.requests).toBeGreaterThan(100);
		for (const client of clients) expect(client.sessionCookie()).toBeDefined();
	});
});
