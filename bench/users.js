// @ts-check
/**
 * Simulated users for the rotation scenarios: each keeps its own cookies (the app re-issues the
 * session cookie after a refresh, as a browser would store it) and its own keep-alive
 * connections, as a browser does, spreads its requests over the app instances, and gives up on a
 * request after `REQUEST_TIMEOUT_MS`.
 */
import http from 'node:http';
import { signInToApp } from '../idp/testkit/app-sign-in.js';

/** A request that takes longer counts as timed out, so that a stuck scenario still ends. */
const REQUEST_TIMEOUT_MS = 30_000;

/** @typedef {{ url: string, pid: number }} Instance */
/** @typedef {{ path: string, status: number, ms: number, at: number, timedOut: boolean }} Answer */

/**
 * @typedef {object} User
 * @property {string} login
 * @property {(path: string, timeoutMs?: number) => Promise<Answer>} request `at` is when it was
 *   sent (performance.now()); gives up after `timeoutMs` (default `REQUEST_TIMEOUT_MS`)
 */

/**
 * Signs `login` in through the first instance and returns a user that sends its requests to the
 * instances in turn.
 * @param {Instance[]} instances
 * @param {string} login
 * @returns {Promise<User>}
 */
async function signInUser(instances, login) {
	const [first] = instances;
	if (first === undefined) throw new Error('signInUser needs an instance');
	/** @type {Map<string, string>} */
	const jar = new Map();
	for (const pair of (await signInToApp(first.url, 'github', login)).split('; ')) {
		jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
	}
	let turn = login.length;
	// Note: a pool shared by every user (fetch's) handed a steady user's idle connection to the
	// wave, and its next request waited behind the wave's new connections (see docs/performance).
	const agent = new http.Agent({ keepAlive: true });
	return {
		login,
		request: async (path, timeoutMs = REQUEST_TIMEOUT_MS) => {
			const { url } = /** @type {Instance} */ (instances[turn++ % instances.length]);
			const at = performance.now();
			const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
			const signal = AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs)));
			try {
				const { status, setCookies } = await get(url + path, { agent, cookie, signal });
				storeCookies(jar, setCookies);
				return { path, status, ms: performance.now() - at, at, timedOut: false };
			} catch (error) {
				if (!signal.aborted) throw error;
				return { path, status: 0, ms: performance.now() - at, at, timedOut: true };
			}
		}
	};
}

/**
 * A GET through `agent`, its body read to the end; redirects are not followed.
 * @param {string} url
 * @param {{ agent: http.Agent, cookie: string, signal: AbortSignal }} options
 * @returns {Promise<{ status: number, setCookies: string[] }>}
 */
function get(url, { agent, cookie, signal }) {
	return new Promise((resolve, reject) => {
		const request = http.get(url, { agent, headers: { cookie }, signal }, (response) => {
			response.on('error', reject);
			response.on('end', () =>
				resolve({
					status: response.statusCode ?? 0,
					setCookies: response.headers['set-cookie'] ?? []
				})
			);
			response.resume();
		});
		request.on('error', reject);
	});
}

/**
 * @param {Map<string, string>} jar
 * @param {string[]} headers Set-Cookie values
 */
function storeCookies(jar, headers) {
	for (const header of headers) {
		const [pair = ''] = header.split(';');
		const name = pair.slice(0, pair.indexOf('='));
		const value = pair.slice(pair.indexOf('=') + 1);
		if (value && !/max-age=0/i.test(header)) jar.set(name, value);
		else jar.delete(name);
	}
}

/**
 * Signs in each login, `concurrency` at a time; `beforeEach` runs just before a login's sign-in.
 * @param {Instance[]} instances
 * @param {string[]} logins
 * @param {{ concurrency?: number, beforeEach?: (login: string) => void }} [options]
 * @returns {Promise<User[]>} in the order of `logins`
 */
export async function signInUsers(instances, logins, { concurrency = 8, beforeEach } = {}) {
	/** @type {User[]} */
	const users = [];
	let next = 0;
	const worker = async () => {
		while (next < logins.length) {
			const index = next++;
			const login = /** @type {string} */ (logins[index]);
			beforeEach?.(login);
			users[index] = await signInUser(instances, login);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return users;
}

/** @param {number} ms */
export function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * Each user requests `path`, then again `thinkMs` after each answer, until `control.running` is
 * false; resolves with every answer once the last request in flight is answered.
 * @param {User[]} users
 * @param {string} path
 * @param {number} thinkMs
 * @param {{ running: boolean }} control
 * @returns {Promise<Answer[]>}
 */
export async function browse(users, path, thinkMs, control) {
	/** @type {Answer[]} */
	const answers = [];
	await Promise.all(
		users.map(async (user, index) => {
			// Spread the first requests, as users do not click in step.
			await sleep((thinkMs * index) / users.length);
			while (control.running) {
				answers.push(await user.request(path));
				await sleep(thinkMs);
			}
		})
	);
	return answers;
}
