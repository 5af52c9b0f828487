// @ts-check
import { startIdp } from '../provider.js';
import { startTestApp } from './app.js';
import { freePorts } from './ports.js';

/** @typedef {import('../provider.js').Idp} Idp */
/** @typedef {import('./app.js').Env} Env */
/** @typedef {import('./app.js').TestApp} TestApp */

/**
 * @typedef {object} TestStack
 * @property {Idp} idp
 * @property {TestApp[]} apps
 * @property {(env: Env) => Promise<void>} restart stops every instance, then starts each again
 *   on its port, one after another, with `env` added to the stack's; `apps` then lists the new
 *   ones
 * @property {(index: number, changes?: Env) => Promise<number | null>} restartInstance stops
 *   `apps[index]` (SIGTERM, then waits for the process to exit) and starts it again on its port
 *   with the stack's env and `changes` added, leaving the others running; resolves with the old
 *   process's exit code
 * @property {() => Promise<void>} stop stops the apps, then the IdP
 */

/**
 * A local IdP and `instances` app instances that sign in with it, each on a free port of its own
 * (`freePorts`). The instances start one after another, so that Postgres migrations never race.
 * An `ORIGIN` in `env` (a proxy in front of every instance) is also a redirect target at the IdP.
 * @param {{ instances?: number, env?: Env, accessTokenTtl?: number, clientSecrets?: import('../provider.js').IdpOptions['clientSecrets'], nodeArgs?: string[], pgliteTemplate?: string }} [options]
 *   `env` is added to every instance's; `accessTokenTtl` is the IdP's default access-token
 *   lifetime, in seconds; `clientSecrets` are the app client's secrets at the IdP's instances;
 *   `nodeArgs` are Node's options for every instance (`--cpu-prof`); `pgliteTemplate` is the
 *   migrated PGlite that an instance in memory starts from (see `startTestApp`)
 * @returns {Promise<TestStack>}
 */
export async function startTestStack({
	instances = 1,
	env = {},
	accessTokenTtl,
	clientSecrets,
	nodeArgs,
	pgliteTemplate
} = {}) {
	const ports = await freePorts(instances);
	const appOrigins = ports.map((port) => `http://127.0.0.1:${port}`);
	if (env.ORIGIN !== undefined) appOrigins.push(env.ORIGIN);
	const idp = await startIdp({
		appOrigins,
		googlePort: 0,
		githubPort: 0,
		accessTokenTtl,
		clientSecrets
	});
	/** @type {TestApp[]} */
	const apps = [];
	const stop = async () => {
		await Promise.all(apps.map((app) => app.stop()));
		await idp.close();
	};
	/** @param {Env} settings */
	const startAll = async (settings) => {
		for (const port of ports) {
			apps.push(await startTestApp({ port, idp, env: settings, nodeArgs, pgliteTemplate }));
		}
	};
	try {
		await startAll(env);
	} catch (error) {
		await stop();
		throw error;
	}
	/** @param {Env} changes */
	const restart = async (changes) => {
		await Promise.all(apps.splice(0).map((app) => app.stop()));
		await startAll({ ...env, ...changes });
	};
	/**
	 * @param {number} index
	 * @param {Env} [changes]
	 */
	const restartInstance = async (index, changes = {}) => {
		const app = apps[index];
		if (app === undefined) throw new Error(`No app instance ${index}`);
		const exitCode = await app.stop();
		const port = /** @type {number} */ (ports[index]);
		const settings = { ...env, ...changes };
		apps[index] = await startTestApp({ port, idp, env: settings, nodeArgs, pgliteTemplate });
		return exitCode;
	};
	return { idp, apps, restart, restartInstance, stop };
}
