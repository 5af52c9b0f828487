// @ts-check
/**
 * Runs the production build (`node build`) as a child process, for Playwright specs that need an
 * instance of their own and for `npm run bench`.
 */
import { spawn } from 'node:child_process';
import { providerEnv } from './clients.js';
import { copyPgliteTemplate } from './pglite.js';

/** @typedef {import('../provider.js').Idp} Idp */
/** @typedef {Record<string, string | undefined>} Env */

/**
 * @typedef {object} TestApp
 * @property {string} url
 * @property {Idp} idp the IdP it signs in with
 * @property {number} pid the `node build` process
 * @property {() => string} output what the process printed so far, stdout and stderr
 * @property {() => Promise<number | null>} stop sends SIGTERM and resolves once the process has
 *   exited, with its exit code (null when a signal ended it)
 */

/** The AUTH_SECRET of every test app, for tests that make or read cookies themselves. */
export const TEST_SECRET = 'e2e-only-secret-0123456789abcdefghijklmnopqrstuv';

// Note: PGlite boots and migrates in WASM; on a busy 2-core machine that takes seconds.
const START_TIMEOUT_MS = 45_000;

/**
 * Runs the production build (`node build`) as a child process with `env`, until it exits.
 * @param {Env} env
 * @param {string[]} [nodeArgs] Node's own options, e.g. `--cpu-prof` (NODE_OPTIONS refuses it)
 */
export function runBuild(env, nodeArgs = []) {
	const child = spawn(process.execPath, [...nodeArgs, 'build'], {
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
 * Starts the app on `port`, signing in with `idp` (started for this port), and resolves once it
 * answers. `env` is added to the test settings; an `undefined` value removes a setting. On
 * PGlite in memory (the default) with a `pgliteTemplate` (see `./pglite.js`), the process opens a
 * copy of that migrated database instead, which it starts from sooner, and which is removed when
 * it stops: a fresh database each start either way.
 * @param {{ port: number, idp: Idp, env?: Env, nodeArgs?: string[], pgliteTemplate?: string }} options
 * @returns {Promise<TestApp>}
 */
export async function startTestApp({ port, idp, env = {}, nodeArgs = [], pgliteTemplate }) {
	const url = `http://127.0.0.1:${port}`;
	/** @type {Env} */
	const settings = {
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
	};
	const inMemory =
		settings.DATABASE_URL === undefined && settings.PGLITE_DATA_DIR?.startsWith('memory://');
	const copy = inMemory && pgliteTemplate !== undefined ? copyPgliteTemplate(pgliteTemplate) : null;
	if (copy !== null) settings.PGLITE_DATA_DIR = copy.dir;
	const app = runBuild(settings, nodeArgs);
	const stop = async () => {
		app.child.kill();
		const exitCode = await app.exited;
		copy?.remove();
		return exitCode;
	};
	if (!(await listening(app))) {
		await stop();
		throw new Error(`The app did not start:\n${app.output()}`);
	}
	return { url, idp, pid: /** @type {number} */ (app.child.pid), output: app.output, stop };
}

/**
 * True once `app` says it listens (adapter-node listens after the app's `init`), false when it
 * exits first or takes too long. Note: its own words, not an answer on its port, which could come
 * from another process that took the port first.
 * @param {ReturnType<typeof runBuild>} app
 * @returns {Promise<boolean>}
 */
function listening(app) {
	return new Promise((resolve) => {
		const check = () => {
			if (app.output().includes('Listening on ')) done(true);
		};
		const timer = setTimeout(() => done(false), START_TIMEOUT_MS);
		const exited = () => done(false);
		/** @param {boolean} started */
		const done = (started) => {
			clearTimeout(timer);
			app.child.stdout.off('data', check);
			app.child.off('exit', exited);
			resolve(started);
		};
		app.child.stdout.on('data', check);
		app.child.once('exit', exited);
		if (app.child.exitCode !== null) done(false);
		check();
	});
}
