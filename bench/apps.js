// @ts-check
import { createServer } from 'node:net';
import { startTestApp, startTestIdp } from '../e2e/support/app.js';

/**
 * Where a scenario runs: PGlite in one instance, or Postgres shared by `instances` of them.
 * @typedef {{ database: string, instances: number, env: Record<string, string | undefined> }} Setup
 */

/**
 * The setups to bench on: PGlite always, Postgres with two instances when DATABASE_URL is set.
 * @param {string | undefined} databaseUrl
 * @returns {Setup[]}
 */
export function setupsFor(databaseUrl) {
	/** @type {Setup[]} */
	const setups = [{ database: 'PGlite', instances: 1, env: {} }];
	if (databaseUrl) {
		setups.push({
			database: 'Postgres',
			instances: 2,
			env: { DATABASE_URL: databaseUrl, PGLITE_DATA_DIR: undefined }
		});
	}
	return setups;
}

/**
 * Starts a local IdP and `instances` app instances on free ports (started one after another, so
 * that Postgres migrations never race), runs `scenario`, and stops them all.
 * @template T
 * @param {{ instances: number, env: Record<string, string | undefined>, accessTokenTtl: number }} options
 * @param {(instances: import('../e2e/support/app.js').TestApp[], idp: import('../idp/provider.js').Idp) => Promise<T>} scenario
 * @returns {Promise<T>}
 */
export async function withApps({ instances: count, env, accessTokenTtl }, scenario) {
	const ports = [];
	for (let i = 0; i < count; i++) ports.push(await freePort());
	const idp = await startTestIdp(ports, accessTokenTtl);
	/** @type {import('../e2e/support/app.js').TestApp[]} */
	const instances = [];
	try {
		for (const port of ports) instances.push(await startTestApp(port, { idp, env }));
		return await scenario(instances, idp);
	} catch (error) {
		for (const instance of instances) {
			console.error(`The app at ${instance.url} printed:\n${instance.output().slice(-3000)}`);
		}
		throw error;
	} finally {
		await Promise.all(instances.map((instance) => instance.stop()));
		await idp.close();
	}
}

/**
 * A port nobody listens on now, for a server started right after (from the ephemeral range, so
 * never one of the Playwright specs' fixed ports).
 * @returns {Promise<number>}
 */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() =>
				typeof address === 'object' && address ? resolve(address.port) : reject()
			);
		});
	});
}
