// @ts-check
import { createServer } from 'node:net';

/**
 * `count` different ports that nobody listens on now, for servers started right after that must
 * know each other's URLs first (the IdP accepts only the origins of the apps it serves).
 * Note: the OS picks them from its ephemeral range, so they never clash with a fixed port such as
 * Playwright's 4173; another process could take one in the moment before our server listens.
 * @param {number} count
 * @returns {Promise<number[]>}
 */
export async function freePorts(count) {
	const servers = await Promise.all(Array.from({ length: count }, listenAnywhere));
	const ports = servers.map(
		(server) => /** @type {import('node:net').AddressInfo} */ (server.address()).port
	);
	await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
	return ports;
}

/** One port that nobody listens on now; see {@link freePorts}. */
export async function freePort() {
	const [port] = await freePorts(1);
	return /** @type {number} */ (port);
}

/** @returns {Promise<import('node:net').Server>} a server on 127.0.0.1, on a port the OS chose */
function listenAnywhere() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(server));
	});
}
