// @ts-check
import { readLoopDelay, watchOwnLoop } from './event-loop.js';
import {
	busiestCorePercent,
	countGrants,
	cpuMs,
	percentile,
	residentMb,
	totalCpuMs
} from './measure.js';
import { browse, sleep } from './users.js';
import { BASELINE_MS, signInWaveUsers } from './wave-users.js';

/** @typedef {import('../idp/provider.js').Idp} Idp */
/** @typedef {import('./users.js').Instance} Instance */
/** @typedef {import('./users.js').Answer} Answer */

/** The paths each wave user requests, one after the other, once its token falls due. */
const WAVE_PATHS = ['/', '/api/get-session-status', '/api/get-session-status'];
const STEADY_PATH = '/api/get-session-status';
const STEADY_THINK_MS = 100;
/** After those, each wave user checks its status this often until the tokens' expiry and past. */
const WAVE_THINK_MS = 1_000;
const BROWSE_PAST_EXPIRY_MS = 3_000;
/** The wave ends this long after it started: requests not answered by then count as timed out. */
const WAVE_DEADLINE_MS = 30_000;
/** Longer than the app's keep-alive timeout (Node's 5 s): the wave users' connections are closed. */
const IDLE_BEFORE_CONTROL_MS = 6_000;

/**
 * @typedef {object} WaveOptions
 * @property {number} waveUsers
 * @property {number} steadyUsers
 * @property {number} latencyMs the IdP's token endpoint answers this late during the wave
 * @property {number} validSeconds how long every access token is still valid when the wave starts
 *   (with `expired` false): each is then inside its refresh window (a refresh-ahead design answers
 *   at once)
 * @property {boolean} expired true: the wave starts just after every token expired (every design
 *   has to wait for the provider)
 */

/**
 * @typedef {object} WaveFigures
 * @property {number} instances
 * @property {number} waveUsers
 * @property {number} requests wave requests in all
 * @property {number} secondsToExpiry how long the tokens were still valid when the wave started
 * @property {number} p50 ms, over all wave requests
 * @property {number} p99 ms
 * @property {number} max ms (a timed-out request counts as the timeout)
 * @property {number} firstP50 ms, the first request of each wave user
 * @property {number} timedOut wave and steady requests that got no answer in time
 * @property {number} errors wave and steady answers other than 200
 * @property {number} steadyP99Before ms
 * @property {number} steadyP99During ms
 * @property {number} steadyMaxDuring ms
 * @property {number} steadyP99Control ms, during the control: the same wave users browsing the
 *   same way once again, when none of their tokens is due (what the wave costs with no rotation)
 * @property {number} controlMax ms, the control's slowest wave request
 * @property {number} controlRefreshes refresh_token grants during the control (should be 0)
 * @property {number} refreshesPerUser refresh_token grants for wave users ÷ wave users
 * @property {number} maxRefreshesPerUser
 * @property {number} steadyRefreshes refresh_token grants for steady users (should be 0)
 * @property {import('./event-loop.js').LoopDelay} loopBefore the app's event-loop delay before
 *   the wave (worst instance)
 * @property {import('./event-loop.js').LoopDelay} loopDuring and during it
 * @property {import('./event-loop.js').LoopDelay} benchLoopBefore the bench's own (its users and
 *   the IdP) before the wave
 * @property {import('./event-loop.js').LoopDelay} benchLoopDuring and during it
 * @property {number} cpuBefore the busiest instance's CPU use before the wave, % of one core
 * @property {number} cpuDuring and during it (the event loop runs on one core)
 * @property {number} cpuMsPerWaveUser the instances' CPU time during the wave beyond the steady
 *   users' rate before it, per wave user (its refresh and its requests): a cost, which varies far
 *   less from run to run than the latencies
 * @property {number} cpuMsPerControlUser the same during the control: the difference is what the
 *   rotation costs per user
 * @property {number} failedGrants token endpoint errors (a reuse detection is one): must be 0
 * @property {number[]} rssMb each instance's resident memory after the wave
 * @property {import('./chart.js').Timeline} timeline for the chart, not the report
 */

/**
 * The rotation wave: `waveUsers` users whose access tokens enter their refresh window at the
 * same moment, each then loading a page, checking its status twice, and checking it every
 * `WAVE_THINK_MS` until past the tokens' expiry, while `steadyUsers` whose tokens are not due keep
 * browsing, and the IdP takes `latencyMs` per token call. Expiries are aligned with per-login
 * access-token lifetimes, each computed just before that user's sign-in.
 * @param {Instance[]} instances sharing one database
 * @param {Idp} idp whose default access-token lifetime far exceeds the scenario
 * @param {WaveOptions} options
 * @returns {Promise<WaveFigures>}
 */
export async function runWave(instances, idp, options) {
	const { waveUsers, latencyMs } = options;
	const { steady, wave, expiresAt, waveAt } = await signInWaveUsers(instances, idp, options);

	// Tokens issued from now on (the refreshes) get the IdP's long default lifetime.
	idp.faults.set({ github: { accessTokenTtlByLogin: {} } });
	const control = { running: true };
	await readLoopDelay(instances);
	const ownLoop = watchOwnLoop();
	const pids = instances.map(({ pid }) => pid);
	let cpu = pids.map(cpuMs);
	const baselineStart = performance.now();
	const steadyAnswers = browse(steady, STEADY_PATH, STEADY_THINK_MS, control);
	// Note: should the wave throw, the steady users stop too (and their error is the wave's).
	steadyAnswers.catch(() => (control.running = false));
	await sleep(Math.max(waveAt - Date.now(), BASELINE_MS));
	const secondsToExpiry = Math.round((expiresAt - Date.now()) / 100) / 10;
	const loopBefore = await readLoopDelay(instances);
	const benchLoopBefore = ownLoop.read();
	const baselineMs = performance.now() - baselineStart;
	const cpuBefore = busiestCorePercent(pids, cpu, baselineMs);
	const steadyCpuPerMs = totalCpuMs(pids, cpu) / baselineMs;
	cpu = pids.map(cpuMs);
	idp.faults.set({ github: { latencyMs } });
	const grants = countGrants(idp);
	const started = performance.now();
	const deadline = started + WAVE_DEADLINE_MS;
	const browseUntil = started + Math.max(expiresAt - Date.now(), 0) + BROWSE_PAST_EXPIRY_MS;
	const visits = await Promise.all(wave.map((user) => visit(user, browseUntil, deadline)));
	const waveAnswers = visits.flat();
	const ended = performance.now();
	const cpuDuring = busiestCorePercent(pids, cpu, ended - started);
	const waveCpuMs = totalCpuMs(pids, cpu) - steadyCpuPerMs * (ended - started);
	const loopDuring = await readLoopDelay(instances);
	const benchLoopDuring = ownLoop.read();
	ownLoop.stop();
	await settle(grants.counts);
	// The control: every token is fresh now (the refreshes got the IdP's long lifetime). The wave
	// users come back as at the wave, on new connections, for as long, beside the same steady users.
	await sleep(IDLE_BEFORE_CONTROL_MS);
	const refreshesBeforeControl = grants.counts.refreshes;
	cpu = pids.map(cpuMs);
	const controlStarted = performance.now();
	const controlVisits = await Promise.all(
		wave.map((user) =>
			visit(user, controlStarted + (browseUntil - started), controlStarted + WAVE_DEADLINE_MS)
		)
	);
	const controlEnded = performance.now();
	const controlCpuMs = totalCpuMs(pids, cpu) - steadyCpuPerMs * (controlEnded - controlStarted);
	const controlRefreshes = grants.counts.refreshes - refreshesBeforeControl;
	control.running = false;
	const steadyAll = await steadyAnswers;
	grants.stop();
	idp.faults.reset();

	const before = steadyAll.filter((answer) => answer.at < started).map((answer) => answer.ms);
	const during = steadyAll
		.filter((answer) => answer.at >= started && answer.at < ended)
		.map((answer) => answer.ms);
	const steadyControl = steadyAll
		.filter((answer) => answer.at >= controlStarted && answer.at < controlEnded)
		.map((answer) => answer.ms);
	const controlAnswers = controlVisits.flat();
	const waveMs = waveAnswers.map((answer) => answer.ms);
	const perUser = wave.map((user) => grants.refreshes.get(user.login) ?? 0);
	const all = [...waveAnswers, ...controlAnswers, ...steadyAll];
	return {
		instances: instances.length,
		waveUsers,
		requests: waveAnswers.length,
		secondsToExpiry,
		p50: percentile(waveMs, 0.5),
		p99: percentile(waveMs, 0.99),
		max: percentile(waveMs, 1),
		firstP50: percentile(
			visits.map(([first]) => first?.ms ?? NaN),
			0.5
		),
		timedOut: all.filter((answer) => answer.timedOut).length,
		errors: all.filter((answer) => !answer.timedOut && answer.status !== 200).length,
		steadyP99Before: percentile(before, 0.99),
		steadyP99During: percentile(during, 0.99),
		steadyMaxDuring: percentile(during, 1),
		steadyP99Control: percentile(steadyControl, 0.99),
		controlMax: percentile(
			controlAnswers.map((answer) => answer.ms),
			1
		),
		controlRefreshes,
		refreshesPerUser: Math.round((perUser.reduce((a, b) => a + b, 0) / waveUsers) * 100) / 100,
		maxRefreshesPerUser: Math.max(...perUser),
		steadyRefreshes: steady.reduce((sum, user) => sum + (grants.refreshes.get(user.login) ?? 0), 0),
		failedGrants: grants.counts.failures,
		loopBefore,
		loopDuring,
		benchLoopBefore,
		benchLoopDuring,
		cpuBefore,
		cpuDuring,
		cpuMsPerWaveUser: Math.round((waveCpuMs / waveUsers) * 10) / 10,
		cpuMsPerControlUser: Math.round((controlCpuMs / waveUsers) * 10) / 10,
		rssMb: instances.map((instance) => residentMb(instance.pid)),
		timeline: {
			series: [
				{ name: 'steady users', answers: steadyAll },
				{ name: 'wave users', answers: [...waveAnswers, ...controlAnswers] }
			],
			bands: [
				{ label: 'slow', from: started, to: ended },
				{ label: 'no token due', from: controlStarted, to: controlEnded }
			],
			start: baselineStart
		}
	};
}

/**
 * One wave user's requests, one after the other: `WAVE_PATHS`, then a status check every
 * `WAVE_THINK_MS` until `browseUntil`. A request past `deadline` times out unsent.
 * @param {import('./users.js').User} user
 * @param {number} browseUntil performance.now() time
 * @param {number} deadline performance.now() time
 */
async function visit(user, browseUntil, deadline) {
	/** @type {Answer[]} */
	const answers = [];
	const send = async (/** @type {string} */ path) => {
		const left = deadline - performance.now();
		answers.push(
			left > 0
				? await user.request(path, left)
				: { path, status: 0, ms: WAVE_DEADLINE_MS, at: deadline, timedOut: true }
		);
	};
	for (const path of WAVE_PATHS) await send(path);
	while (performance.now() + WAVE_THINK_MS < browseUntil) {
		await sleep(WAVE_THINK_MS);
		await send(STEADY_PATH);
	}
	return answers;
}

/**
 * Waits until no refresh has reached the IdP for 2 s (at most 15 s): a design that refreshes in
 * the background may still be refreshing after the last answer.
 * @param {{ refreshes: number }} counts
 */
async function settle(counts) {
	const deadline = Date.now() + 15_000;
	let seen = -1;
	while (seen !== counts.refreshes && Date.now() < deadline) {
		seen = counts.refreshes;
		await sleep(2_000);
	}
}
