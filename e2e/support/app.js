// @ts-check
/**
 * Runs the production build (`node build`) beside the local IdP: for Playwright specs that need
 * their own instance, and for `npm run bench`. Plain JavaScript so that both can import it.
 */
import { spawn } from 'node:child_process';
import { startIdp } from '../../idp/provider.js';
import { providerEnv } from '../../idp/testkit/clients.js';

/** @typedef {import('../../idp/provider.js').Idp} Idp */
/** @typedef {Record<string, string | undefined>} Env */

/**
 * @typedef {object} TestApp
 * @property {string} url
 * @property {Idp} idp
 * @property {number} pid the `node build` process
 * @property {() => string} output what the process printed so far, stdout and stderr
 * @property {() => Promise<void>} stop
 */

export const TEST_SECRET = 'e2e-only-secret-0123456789abcdefghijklmnopqrstuv';

/**
 * Runs the production build (`node build`) as a child process with `env`, until it exits.
 * @param {Env} env
 */
export function runBuild(env) {
	const child = spawn(process.execPath, ['build'], {
		env: /** @type {Record<string, string>} */ (
			Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined))
		),
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	/** @type {Promise<number | null>} */
	const exited = new Promise((resolve) => child.on('exit', resolve));
	return { child, exited, output: () => output };
}

/**
 * A local IdP on free ports that accepts sign-ins for apps on `ports`.
 * @param {number[]} ports
 * @param {number} [accessTokenTtl] seconds
 */
export function startTestIdp(ports, accessTokenTtl) {
	const appOrigins = ports.map((port) => `http://127.0.0.1:${port}`);
	return startIdp({ appOrigins, googlePort: 0, githubPort: 0, accessTokenTtl });
}

/**
 * Starts a private app instance on `port`, for tests that need to see the IdP's side or to run
 * the app with other settings than Playwright's webServer. Without `idp`, it gets its own.
 * @param {number} port
 * @param {{ env?: Env, idp?: Idp }} [options]
 * @returns {Promise<TestApp>}
 */
export async function startTestApp(port, { env = {}, idp: sharedIdp } = {}) {
	const url = `http://127.0.0.1:${port}`;
	const idp = sharedIdp ?? (await startTestIdp([port]));
	const app = runBuild({
		PATH: process.env.PATH,
		AUTH_SECRET: TEST_SECRET,
		...providerEnv(idp),
		PGLITE_DATA_DIR: 'memory://',
		HOST: '127.0.0.1',
		PORT: String(port),
		ORIGIN: url,
		// Note: tests sign in from one IP far faster than any person; rate-limit.spec sets its own.
		AUTH_RATE_LIMIT: '100000',
		...env
	});
	const stop = async () => {
		app.child.kill();
		await app.exited;
		if (sharedIdp === undefined) await idp.close();
	};
	// Note: PGlite boots and migrates in WASM; on a busy 2-core machine that takes seconds.
	const deadline = Date.now() + 45_000;
	for (;;) {
		if (app.child.exitCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`The app did not start:\n${app.output()}`);
		}
		const up = await fetch(`${url}/api/get-session-status`).then(
			() => true,
			() => false
		);
		if (up) {
			const pid = /** @type {number} */ (app.child.pid);
			return { url, idp, pid, output: app.output, stop };
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
