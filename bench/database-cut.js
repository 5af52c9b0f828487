// @ts-check
import { readLoopDelay } from './event-loop.js';
import { countGrants, percentile, residentMb } from './measure.js';
import { lifetimeDueAfter } from './slowdown.js';
import { browse, signInUsers, sleep } from './users.js';

/** @typedef {import('../idp/provider.js').Idp} Idp */
/** @typedef {import('../idp/testkit/app.js').TestApp} TestApp */
/** @typedef {import('../idp/testkit/tcp-proxy.js').TcpProxy} TcpProxy */

const PATH = '/api/get-session-status';
const THINK_MS = 250;

/**
 * @typedef {object} DatabaseCutOptions
 * @property {number} users
 * @property {number} dueAfterSeconds each access token falls due this long after it is issued
 *   (a few seconds more for some users, to spread them)
 * @property {number} skewSeconds the app's refresh window (AUTH_REFRESH_SKEW_SECONDS)
 * @property {number} answerDelayMs the IdP uses each grant at once and answers this late
 * @property {number} calmSeconds browsing before the cut
 * @property {number} cutSeconds how long Postgres is unreachable
 * @property {number} afterSeconds browsing after it, long enough for every user to rotate again
 */

/**
 * @typedef {object} DatabaseCutFigures
 * @property {number} instances
 * @property {number} users
 * @property {number} inFlight refreshes the IdP had answered, late, when the cut began
 * @property {number} keptAndStored answers kept in memory through the cut and stored after it
 *   (the app's `token_store` lines with `stored`)
 * @property {number} keptAndLost kept answers that were `refused` or `abandoned`: must be 0
 * @property {number} refreshesAfter refresh_token grants after the cut: each user rotating on
 * @property {number} failedGrants token endpoint errors (a reuse detection is one): must be 0
 * @property {number} signOuts 401 answers: must be 0
 * @property {number} unavailable 503 answers (an expired token while the database was away)
 * @property {number} errors other answers than 200, 401 and 503, and timeouts
 * @property {number} maxMs the slowest request
 * @property {import('./event-loop.js').LoopDelay} loopCalm the app's event-loop delay before
 *   the cut (worst instance)
 * @property {import('./event-loop.js').LoopDelay} loopCut during the cut and after it
 * @property {number[]} rssMb
 * @property {import('./chart.js').Timeline} timeline for the chart, not the report
 */

/**
 * The database cut while answers are on their way: `users` browse (a status check `THINK_MS`
 * after each answer) with access tokens that fall due every few seconds, the IdP answers each
 * refresh `answerDelayMs` after using its grant, and after `calmSeconds` the connection to
 * Postgres is cut for `cutSeconds`, with some answers under way. Then browsing goes on for
 * `afterSeconds`, in which every user rotates again, from what was stored.
 * @param {TestApp[]} instances sharing one database, reached through `proxy`
 * @param {Idp} idp
 * @param {TcpProxy} proxy
 * @param {DatabaseCutOptions} options
 * @returns {Promise<DatabaseCutFigures>}
 */
export async function runDatabaseCut(instances, idp, proxy, options) {
	const { users: count, skewSeconds, answerDelayMs } = options;
	const logins = Array.from({ length: count }, (_, i) => `bench-cut-${Date.now()}-${i}`);
	const ttls = Object.fromEntries(
		logins.map((login, i) => [
			login,
			lifetimeDueAfter(options.dueAfterSeconds + (i % 5), skewSeconds)
		])
	);
	// Note: the lifetimes also hold for the tokens the refreshes issue, so users keep rotating.
	idp.faults.set({ github: { accessTokenTtlByLogin: ttls, answerDelayMs } });
	const users = await signInUsers(instances, logins);

	const grants = countGrants(idp);
	/** @type {number[]} */
	const grantedAt = [];
	const stopTiming = idp.onTokenEndpoint((event) => {
		if (event.grantType === 'refresh_token') grantedAt.push(performance.now());
	});
	const logFrom = instances.map((instance) => instance.output().length);
	const control = { running: true };
	await readLoopDelay(instances);
	const browseStart = performance.now();
	const browsing = browse(users, PATH, THINK_MS, control);
	await sleep(options.calmSeconds * 1000);
	const loopCalm = await readLoopDelay(instances);
	const cutAt = performance.now();
	await proxy.cutFor(options.cutSeconds * 1000);
	const restoredAt = performance.now();
	await sleep(options.afterSeconds * 1000);
	const loopCut = await readLoopDelay(instances);
	control.running = false;
	const answers = await browsing;
	grants.stop();
	stopTiming();
	idp.faults.reset();

	const stores = instances.flatMap((instance, i) =>
		tokenStores(instance.output().slice(logFrom[i]))
	);
	const statuses = answers.map(({ status }) => status);
	return {
		instances: instances.length,
		users: count,
		inFlight: grantedAt.filter((at) => at > cutAt - answerDelayMs && at <= cutAt).length,
		keptAndStored: stores.filter((outcome) => outcome === 'stored').length,
		keptAndLost: stores.filter((outcome) => outcome !== 'stored').length,
		refreshesAfter: grantedAt.filter((at) => at > restoredAt).length,
		failedGrants: grants.counts.failures,
		signOuts: statuses.filter((status) => status === 401).length,
		unavailable: statuses.filter((status) => status === 503).length,
		errors: statuses.filter((status) => ![200, 401, 503].includes(status)).length,
		maxMs: percentile(
			answers.map(({ ms }) => ms),
			1
		),
		loopCalm,
		loopCut,
		rssMb: instances.map((instance) => residentMb(instance.pid)),
		timeline: {
			series: [{ name: 'users', answers }],
			bands: [{ label: 'down', from: cutAt, to: restoredAt }],
			start: browseStart
		}
	};
}

/**
 * The outcome of each kept answer's store in an instance's log (its `token_store` lines).
 * @param {string} log
 * @returns {string[]}
 */
function tokenStores(log) {
	return log
		.split('\n')
		.filter((line) => line.includes('"event":"token_store"'))
		.map((line) => JSON.parse(line.slice(line.indexOf('{'))).outcome);
}
