// @ts-check
import { readLoopDelay } from './event-loop.js';
import { countGrants, percentile, residentMb } from './measure.js';
import { browse, signInUsers, sleep } from './users.js';

/** @typedef {import('../idp/provider.js').Idp} Idp */
/** @typedef {import('./users.js').Instance} Instance */

const PATH = '/api/get-session-status';
const THINK_MS = 250;
const SLOW_REQUEST_MS = 6_000;

/**
 * @typedef {object} SlowdownOptions
 * @property {number} users
 * @property {number} calmSeconds
 * @property {number} slowSeconds
 * @property {number} latencyMs the IdP's token endpoint answers this late in the slow phase
 * @property {Partial<import('../idp/faults.js').TokenFaults>} [fault] the IdP's knobs in the slow
 *   phase instead (e.g. a late answer: the grant used at once, the answer sent later)
 * @property {number} skewSeconds the app's refresh window (AUTH_REFRESH_SKEW_SECONDS)
 * @property {number} dueAfterSeconds each access token falls due this long after it is issued
 *   (a few seconds more for some users, to spread them)
 */

/**
 * @typedef {object} SlowdownFigures
 * @property {number} instances
 * @property {number} users
 * @property {number} calmRps answers per second in the calm phase
 * @property {number} slowRps answers per second while the IdP is slow
 * @property {number} share slowRps ÷ calmRps
 * @property {number} calmP99 ms
 * @property {number} slowP99 ms
 * @property {number} over6s requests sent in the slow phase that took over 6 s (or timed out)
 * @property {number} slowMax ms
 * @property {number} timedOut
 * @property {number} signOuts 401 answers: a session the app gave up on
 * @property {number} errors answers other than 200 (the sign-outs among them)
 * @property {number} calmRefreshes refresh_token grants in each phase
 * @property {number} slowRefreshes
 * @property {number} failedGrants token endpoint errors: must be 0
 * @property {import('./event-loop.js').LoopDelay} loopCalm the app's event-loop delay in the
 *   calm phase (worst instance)
 * @property {import('./event-loop.js').LoopDelay} loopSlow and in the slow one
 * @property {number[]} rssMb each instance's resident memory after the phases
 * @property {import('./chart.js').Timeline} timeline for the chart, not the report
 */

/**
 * The provider slowdown: `users` browse steadily (a status check every `THINK_MS` after each
 * answer) with access tokens that fall due every few seconds, first with a prompt IdP, then with
 * one that takes `latencyMs` per token call.
 * @param {Instance[]} instances sharing one database
 * @param {Idp} idp
 * @param {SlowdownOptions} options
 * @returns {Promise<SlowdownFigures>}
 */
export async function runSlowdown(instances, idp, options) {
	const { users: count, calmSeconds, slowSeconds, latencyMs, skewSeconds } = options;
	const logins = Array.from({ length: count }, (_, i) => `bench-slow-${Date.now()}-${i}`);
	const ttls = Object.fromEntries(
		logins.map((login, i) => [
			login,
			lifetimeDueAfter(options.dueAfterSeconds + (i % 5), skewSeconds)
		])
	);
	idp.faults.set({ github: { accessTokenTtlByLogin: ttls } });
	const users = await signInUsers(instances, logins);

	const grants = countGrants(idp);
	const control = { running: true };
	await readLoopDelay(instances);
	const browsing = browse(users, PATH, THINK_MS, control);
	const calmStart = performance.now();
	await sleep(calmSeconds * 1000);
	const calmRefreshes = grants.counts.refreshes;
	const loopCalm = await readLoopDelay(instances);
	idp.faults.set({ github: options.fault ?? { latencyMs } });
	const slowStart = performance.now();
	await sleep(slowSeconds * 1000);
	const slowEnd = performance.now();
	const loopSlow = await readLoopDelay(instances);
	const slowRefreshes = grants.counts.refreshes - calmRefreshes;
	control.running = false;
	const answers = await browsing;
	grants.stop();
	idp.faults.reset();

	/** @param {number} from @param {number} to */
	const answeredIn = (from, to) =>
		answers.filter(({ at, ms }) => at + ms >= from && at + ms < to).length / ((to - from) / 1000);
	const calm = answers.filter(({ at }) => at >= calmStart && at < slowStart);
	const slow = answers.filter(({ at }) => at >= slowStart && at < slowEnd);
	const calmRps = answeredIn(calmStart + THINK_MS, slowStart);
	const slowRps = answeredIn(slowStart, slowEnd);
	return {
		instances: instances.length,
		users: count,
		calmRps: Math.round(calmRps),
		slowRps: Math.round(slowRps),
		share: Math.round((slowRps / calmRps) * 100) / 100,
		calmP99: percentile(
			calm.map(({ ms }) => ms),
			0.99
		),
		slowP99: percentile(
			slow.map(({ ms }) => ms),
			0.99
		),
		over6s: slow.filter(({ ms }) => ms > SLOW_REQUEST_MS).length,
		slowMax: percentile(
			slow.map(({ ms }) => ms),
			1
		),
		timedOut: answers.filter(({ timedOut }) => timedOut).length,
		signOuts: answers.filter(({ status }) => status === 401).length,
		errors: answers.filter(({ timedOut, status }) => !timedOut && status !== 200).length,
		calmRefreshes,
		slowRefreshes,
		failedGrants: grants.counts.failures,
		loopCalm,
		loopSlow,
		rssMb: instances.map((instance) => residentMb(instance.pid)),
		timeline: {
			series: [{ name: 'users', answers }],
			bands: [{ label: options.fault ? 'late' : 'slow', from: slowStart, to: slowEnd }],
			start: calmStart
		}
	};
}

// The share of a token's lifetime that is its refresh window, at most the skew: the app's
// TOKEN_REFRESH_WINDOW_FRACTION (src/lib/timings.ts).
const WINDOW_FRACTION = 0.25;

/**
 * The access-token lifetime, in whole seconds, that makes a token fall due about `dueAfter`
 * seconds after it is issued, with the app's window of min(`skewSeconds`, a share of the
 * lifetime).
 * @param {number} dueAfter
 * @param {number} skewSeconds
 */
export function lifetimeDueAfter(dueAfter, skewSeconds) {
	const short = dueAfter / (1 - WINDOW_FRACTION);
	return Math.ceil(short * WINDOW_FRACTION <= skewSeconds ? short : dueAfter + skewSeconds);
}
