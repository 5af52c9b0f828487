// @ts-check
import { createConnection, createServer } from 'node:net';

/**
 * @typedef {object} TcpProxy
 * @property {number} port where the proxy listens, on 127.0.0.1
 * @property {() => Promise<void>} cut drops every connection through it and refuses new ones
 * @property {() => Promise<void>} restore accepts connections again, on the same port
 * @property {(ms: number) => Promise<void>} cutFor cuts, and restores `ms` later
 * @property {() => void} drop drops the open connections only: new ones go through
 * @property {() => Promise<void>} close
 */

/**
 * A TCP proxy to `target` that a test can cut and restore, to play a network or database outage
 * (the app connects to the proxy's port instead of the server's).
 * @param {{ host: string, port: number }} target
 * @returns {Promise<TcpProxy>}
 */
export async function startTcpProxy(target) {
	/** @type {Set<import('node:net').Socket>} */
	const sockets = new Set();
	const server = createServer((client) => {
		const upstream = createConnection(target);
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
			socket.on('error', () => socket.destroy());
		}
		client.pipe(upstream).pipe(client);
	});
	/** @param {number} port */
	const listen = (port) =>
		/** @type {Promise<number>} */ (
			new Promise((resolve) =>
				server.listen(port, '127.0.0.1', () =>
					resolve(/** @type {import('node:net').AddressInfo} */ (server.address()).port)
				)
			)
		);
	const port = await listen(0);
	const cut = () =>
		/** @type {Promise<void>} */ (
			new Promise((resolve) => {
				if (!server.listening) return resolve();
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			})
		);
	const restore = async () => {
		if (!server.listening) await listen(port);
	};
	return {
		port,
		cut,
		restore,
		cutFor: async (ms) => {
			await cut();
			await new Promise((done) => setTimeout(done, ms));
			await restore();
		},
		drop: () => {
			for (const socket of sockets) socket.destroy();
		},
		close: cut
	};
}
