// @ts-check
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port the tests pick from: below it are the well-known and registered ones in use. */
const LOWEST_PORT = 10_000;

/**
 * Where the OS's ephemeral range begins: the source ports of outgoing connections come from it.
 * A port chosen there can be taken by any connection (the browser's, a fetch, Postgres) in the
 * moment between its choice and a server's listen, which then fails with EADDRINUSE.
 */
function ephemeralRangeStart() {
	try {
		return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
	} catch {
		return 32_768; // Linux's default (macOS and Windows start higher).
	}
}

/**
 * `count` different ports that nobody listens on now, for servers started right after that must
 * know each other's URLs first (the IdP accepts only the origins of the apps it serves). They are
 * picked at random below the ephemeral range, so no outgoing connection takes one meanwhile, and
 * a clash with a test running beside this one is unlikely (about 1 in 20 000 per port).
 * @param {number} count
 * @returns {Promise<number[]>}
 */
export async function freePorts(count) {
	const highest = ephemeralRangeStart() - 1;
	/** @type {number[]} */
	const ports = [];
	while (ports.length < count) {
		const port = LOWEST_PORT + Math.floor(Math.random() * (highest - LOWEST_PORT + 1));
		if (!ports.includes(port) && (await isFree(port))) ports.push(port);
	}
	return ports;
}

/** One port that nobody listens on now; see {@link freePorts}. */
export async function freePort() {
	const [port] = await freePorts(1);
	return /** @type {number} */ (port);
}

/**
 * @param {number} port
 * @returns {Promise<boolean>} true when a server could listen on 127.0.0.1:`port` just now
 */
function isFree(port) {
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}
