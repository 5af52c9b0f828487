// @ts-check
import { createThrowawayDatabase } from '../idp/testkit/database.js';
import { startTestStack } from '../idp/testkit/stack.js';
import { startTcpProxy } from '../idp/testkit/tcp-proxy.js';
import { METRICS_TOKEN } from './event-loop.js';

/** @typedef {import('../idp/testkit/tcp-proxy.js').TcpProxy} TcpProxy */

/**
 * Where a scenario runs: PGlite in one instance, or Postgres shared by `instances` of them;
 * `nodeArgs` are Node's options for each instance (`--cpu-prof`).
 * @typedef {{ database: string, instances: number, env: Record<string, string | undefined>, nodeArgs?: string[] }} Setup
 */

/**
 * The setups to bench on: PGlite always, Postgres with two instances when DATABASE_URL is set.
 * @param {string | undefined} databaseUrl
 * @param {string[]} [nodeArgs]
 * @returns {Setup[]}
 */
export function setupsFor(databaseUrl, nodeArgs = []) {
	/** @type {Setup[]} */
	const setups = [{ database: 'PGlite', instances: 1, env: {}, nodeArgs }];
	if (databaseUrl) {
		setups.push({
			database: 'Postgres',
			instances: 2,
			env: { DATABASE_URL: databaseUrl, PGLITE_DATA_DIR: undefined },
			nodeArgs
		});
	}
	return setups;
}

/**
 * Starts a local IdP and `instances` app instances on free ports, runs `scenario`, and stops
 * them all. Should the scenario fail, each instance's last output is printed. On Postgres each
 * scenario gets a database of its own on DATABASE_URL's server, dropped afterwards: its IdP is a
 * new issuer (on new ports), and the app refuses to start on accounts of another issuer. With
 * `proxyDatabase` (Postgres only), the instances reach it through a TCP proxy that the scenario
 * gets, to cut.
 * @template T
 * @param {{ instances: number, env: Record<string, string | undefined>, accessTokenTtl: number, proxyDatabase?: boolean, nodeArgs?: string[] }} options
 * @param {(instances: import('../idp/testkit/app.js').TestApp[], idp: import('../idp/provider.js').Idp, proxy: TcpProxy | null) => Promise<T>} scenario
 * @returns {Promise<T>}
 */
export async function withApps({ proxyDatabase = false, ...options }, scenario) {
	const serverUrl = options.env.DATABASE_URL;
	const database = serverUrl ? await createThrowawayDatabase(serverUrl) : null;
	const proxy = database && proxyDatabase ? await proxyTo(database.url) : null;
	const env = {
		...options.env,
		...(database && { DATABASE_URL: proxy?.url ?? database.url.href }),
		// The event-loop delay comes from each instance's /metrics.
		METRICS_TOKEN
	};
	const { idp, apps, stop } = await startTestStack({ ...options, env });
	try {
		return await scenario(apps, idp, proxy);
	} catch (error) {
		for (const app of apps) {
			console.error(`The app at ${app.url} printed:\n${app.output().slice(-3000)}`);
		}
		throw error;
	} finally {
		await stop();
		await proxy?.close();
		await database?.drop();
	}
}

/**
 * A TCP proxy to the server of the database at `url`, and that database's URL through it.
 * @param {URL} url
 */
async function proxyTo(url) {
	const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
	const through = new URL(url);
	through.host = `127.0.0.1:${proxy.port}`;
	return { ...proxy, url: through.href };
}
