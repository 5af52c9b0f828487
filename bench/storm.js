// @ts-check
import { signInToApp } from '../idp/testkit/app-sign-in.js';
import { median } from './measure.js';

/** @typedef {import('../idp/provider.js').Idp} Idp */

/**
 * @typedef {object} StormFigures
 * @property {number} instances
 * @property {number} requests per storm
 * @property {number[]} refreshes refresh_token grants at the IdP, one entry per storm
 * @property {number} errors non-200 answers plus failed grants, over all storms
 * @property {number} p50 ms, over all storms
 * @property {number} p99 ms
 * @property {number} singleRefreshMs median latency of one request that refreshes alone
 * @property {number} burstP99 ms: the same number of concurrent requests when no refresh is due,
 *   to tell the cost of the refresh from that of queueing on one process
 */

/**
 * The rotation storm: `requests` concurrent requests carrying one session whose access token
 * has expired, spread over `instances`, `storms` times in a row (each after the token expired
 * again). Every storm should make exactly one refresh at the IdP and no error, and its p99 should
 * stay within a few times the latency of a request that refreshes alone.
 * @param {{ url: string }[]} instances app instances sharing one database
 * @param {Idp} idp started with `accessTokenTtl` = `ttlSeconds`
 * @param {{ ttlSeconds: number, requests: number, storms: number }} options
 * @returns {Promise<StormFigures>}
 */
export async function runStorm(instances, idp, { ttlSeconds, requests, storms }) {
	const grants = { refreshes: 0, failures: 0 };
	const stopListening = idp.onTokenEndpoint((event) => {
		if (event.grantType === 'refresh_token') grants.refreshes++;
		if (!event.ok) grants.failures++;
	});
	const [first] = instances;
	if (first === undefined) throw new Error('runStorm needs an instance');
	const waitForExpiry = () => new Promise((resolve) => setTimeout(resolve, ttlSeconds * 1000));

	/** @type {number[]} */
	const single = [];
	let cookie = await signInToApp(first.url, 'github', `bench-single-${Date.now()}`);
	for (let i = 0; i < storms; i++) {
		await waitForExpiry();
		const [answer] = await requestStatus([first], cookie, 1);
		if (answer?.status !== 200) throw new Error(`A lone refresh answered ${answer?.status}`);
		single.push(answer.ms);
		cookie = answer.cookie ?? cookie;
	}

	cookie = await signInToApp(first.url, 'github', `bench-storm-${Date.now()}`);
	/** @type {number[]} */
	const refreshes = [];
	/** @type {number[]} */
	const latencies = [];
	/** @type {number[]} */
	const bursts = [];
	let errors = 0;
	for (let i = 0; i < storms; i++) {
		// Just signed in or just rotated: a burst that needs no refresh, then the real storm.
		bursts.push(...(await requestStatus(instances, cookie, requests)).map((answer) => answer.ms));
		await waitForExpiry();
		const before = { ...grants };
		const answers = await requestStatus(instances, cookie, requests);
		refreshes.push(grants.refreshes - before.refreshes);
		errors += grants.failures - before.failures;
		errors += answers.filter((answer) => answer.status !== 200).length;
		latencies.push(...answers.map((answer) => answer.ms));
		cookie = answers.find((answer) => answer.cookie !== undefined)?.cookie ?? cookie;
	}
	stopListening();

	latencies.sort((a, b) => a - b);
	bursts.sort((a, b) => a - b);
	return {
		instances: instances.length,
		requests,
		refreshes,
		errors,
		p50: percentile(latencies, 0.5),
		p99: percentile(latencies, 0.99),
		singleRefreshMs: median(single),
		burstP99: percentile(bursts, 0.99)
	};
}

/**
 * `count` concurrent status requests with `cookie`, round-robin over `instances`.
 * @param {{ url: string }[]} instances
 * @param {string} cookie
 * @param {number} count
 */
function requestStatus(instances, cookie, count) {
	return Promise.all(
		Array.from({ length: count }, async (_, i) => {
			const { url } = /** @type {{ url: string }} */ (instances[i % instances.length]);
			const started = performance.now();
			const response = await fetch(`${url}/api/get-session-status`, { headers: { cookie } });
			await response.arrayBuffer();
			const ms = performance.now() - started;
			const renewed = response.headers
				.getSetCookie()
				.map((header) => header.split(';')[0] ?? '')
				.filter((pair) => pair.includes('session-token='));
			return {
				status: response.status,
				ms,
				cookie: renewed.length ? renewed.join('; ') : undefined
			};
		})
	);
}

/**
 * @param {number[]} sorted ascending
 * @param {number} fraction
 */
function percentile(sorted, fraction) {
	const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
	return Math.round((sorted[index] ?? NaN) * 10) / 10;
}
