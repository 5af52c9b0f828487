/**
 * postgres.js 3.4.9 threw from a `setImmediate`, where nothing catches it, when a query was
 * written to a connection that had closed: the whole app died with a database blip.
 * `patches/postgres+3.4.9.patch` makes the query fail instead. This fails when the patch is not
 * applied (an install that skipped `postinstall`) or an upgrade of postgres.js drops the fix.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { startTcpProxy } from '$idp/testkit/tcp-proxy.js';

const serverUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!serverUrl)('a connection that closed (needs TEST_DATABASE_URL)', () => {
	it('fails the next query on it with CONNECTION_CLOSED, and the process lives on', async () => {
		const server = new URL(serverUrl!);
		const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
		const viaProxy = new URL(server);
		viaProxy.host = `127.0.0.1:${proxy.port}`;
		const sql = postgres(viaProxy.href, { max: 1, onnotice: () => {} });
		try {
			// A reserved connection stays this one after it closed (the pool would replace it).
			const reserved = await sql.reserve();
			await reserved`select 1`;
			proxy.drop();
			await sleep(100);
			await expect(reserved`select 1`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
			reserved.release();
		} finally {
			await sql.end({ timeout: 0 });
			await proxy.close();
		}
	});
});
