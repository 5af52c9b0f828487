import { createConnection, createServer, type Socket } from 'node:net';

/** A TCP proxy to `target` that a test can cut and restore, to play a database outage. */
export async function startTcpProxy(target: { host: string; port: number }) {
	const sockets = new Set<Socket>();
	const server = createServer((client) => {
		const upstream = createConnection(target);
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
			socket.on('error', () => socket.destroy());
		}
		client.pipe(upstream).pipe(client);
	});
	const listen = (port: number) =>
		new Promise<number>((resolve) =>
			server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port))
		);
	const port = await listen(0);
	const cut = () =>
		new Promise<void>((resolve) => {
			server.close(() => resolve());
			for (const socket of sockets) socket.destroy();
		});
	return { port, cut, restore: () => listen(port), close: cut };
}
