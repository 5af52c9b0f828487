// @ts-check
import { createThrowawayDatabase } from '../idp/testkit/database.js';
import { startTestStack } from '../idp/testkit/stack.js';

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
 * Starts a local IdP and `instances` app instances on free ports, runs `scenario`, and stops
 * them all. Should the scenario fail, each instance's last output is printed. On Postgres each
 * scenario gets a database of its own on DATABASE_URL's server, dropped afterwards: its IdP is a
 * new issuer (on new ports), and the app refuses to start on accounts of another issuer.
 * @template T
 * @param {{ instances: number, env: Record<string, string | undefined>, accessTokenTtl: number }} options
 * @param {(instances: import('../idp/testkit/app.js').TestApp[], idp: import('../idp/provider.js').Idp) => Promise<T>} scenario
 * @returns {Promise<T>}
 */
export async function withApps(options, scenario) {
	const serverUrl = options.env.DATABASE_URL;
	const database = serverUrl ? await createThrowawayDatabase(serverUrl) : null;
	const env = database ? { ...options.env, DATABASE_URL: database.url.href } : options.env;
	const { idp, apps, stop } = await startTestStack({ ...options, env });
	try {
		return await scenario(apps, idp);
	} catch (error) {
		for (const app of apps) {
			console.error(`The app at ${app.url} printed:\n${app.output().slice(-3000)}`);
		}
		throw error;
	} finally {
		await stop();
		await database?.drop();
	}
}
