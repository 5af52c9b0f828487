// @ts-check
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTcpProxy } from './tcp-proxy.js';

/** @type {import('node:net').Server} */
let echo;
/** @type {import('./tcp-proxy.js').TcpProxy} */
let proxy;
beforeAll(async () => {
	echo = createServer((socket) => socket.pipe(socket));
	await new Promise((resolve) => echo.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (echo.address());
	proxy = await startTcpProxy({ host: '127.0.0.1', port });
});
afterAll(async () => {
	await proxy.close();
	await new Promise((resolve) => echo.close(resolve));
});

/** Opens a connection through the proxy: its echo of `text`, or the error that ended it. */
function roundTrip(text = 'ping') {
	return new Promise((resolve) => {
		const socket = connect(proxy.port, '127.0.0.1', () => socket.write(text));
		socket.once('data', (data) => {
			resolve(String(data));
			socket.destroy();
		});
		socket.once('error', (error) => resolve(/** @type {NodeJS.ErrnoException} */ (error).code));
	});
}

it('passes bytes through, drops open connections when cut, refuses new ones, and restores', async () => {
	expect(await roundTrip()).toBe('ping');

	const open = connect(proxy.port, '127.0.0.1');
	await new Promise((resolve) => open.once('connect', resolve));
	const closed = new Promise((resolve) => open.once('close', resolve));
	await proxy.cut();
	await closed;
	expect(await roundTrip()).toBe('ECONNREFUSED');

	await proxy.restore();
	expect(await roundTrip('pong')).toBe('pong');
});

it('drop ends the open connections and lets new ones through', async () => {
	const open = connect(proxy.port, '127.0.0.1');
	await new Promise((resolve) => open.once('connect', resolve));
	const closed = new Promise((resolve) => open.once('close', resolve));
	proxy.drop();
	await closed;
	expect(await roundTrip()).toBe('ping');
});

it('cutFor restores by itself after the given time', async () => {
	const started = performance.now();
	const outage = proxy.cutFor(300);
	await new Promise((resolve) => setTimeout(resolve, 50));
	expect(await roundTrip()).toBe('ECONNREFUSED');
	await outage;
	expect(performance.now() - started).toBeGreaterThanOrEqual(300);
	expect(await roundTrip()).toBe('ping');
});
