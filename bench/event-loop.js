// @ts-check
/**
 * The app's event-loop delay, from its own `/metrics`: prom-client's default metrics sample it
 * with `perf_hooks.monitorEventLoopDelay` and start a new histogram at each scrape, so a scrape
 * at the start of a phase and one at its end give that phase's p99 and max. A delay that matches
 * a slow request is a stall of the whole process (CPU); slow requests on a calm loop are a queue.
 */

import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The bearer token the bench's apps are started with (`METRICS_TOKEN`). */
export const METRICS_TOKEN = 'bench-only-metrics-token-0123456789';

/** @typedef {{ p99Ms: number, maxMs: number }} LoopDelay */

/**
 * Scrapes each instance; the delay since each one's previous scrape, the worst over instances.
 * @param {{ url: string }[]} instances
 * @returns {Promise<LoopDelay>}
 */
export async function readLoopDelay(instances) {
	const delays = await Promise.all(instances.map(scrape));
	return {
		p99Ms: Math.max(...delays.map(({ p99Ms }) => p99Ms)),
		maxMs: Math.max(...delays.map(({ maxMs }) => maxMs))
	};
}

/**
 * The bench's own event-loop delay: its simulated users and the local IdP run in this process,
 * so a stall here delays when requests are sent and answers read, as if the app were slow.
 * `read()` gives the delay since the previous `read()` (or the start).
 */
export function watchOwnLoop() {
	const histogram = monitorEventLoopDelay({ resolution: 10 });
	histogram.enable();
	return {
		/** @returns {LoopDelay} */
		read: () => {
			const delay = {
				p99Ms: Math.round(histogram.percentile(99) / 1e6),
				maxMs: Math.round(histogram.max / 1e6)
			};
			histogram.reset();
			return delay;
		},
		stop: () => histogram.disable()
	};
}

/**
 * @param {{ url: string }} instance
 * @returns {Promise<LoopDelay>}
 */
async function scrape({ url }) {
	const response = await fetch(`${url}/metrics`, {
		headers: { authorization: `Bearer ${METRICS_TOKEN}` }
	});
	if (!response.ok) throw new Error(`${url}/metrics answered ${response.status}`);
	const text = await response.text();
	/** @param {string} name */
	const milliseconds = (name) => {
		const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
		if (value === undefined) throw new Error(`${url}/metrics has no ${name}`);
		return Math.round(Number(value) * 1000);
	};
	return {
		p99Ms: milliseconds('nodejs_eventloop_lag_p99_seconds'),
		maxMs: milliseconds('nodejs_eventloop_lag_max_seconds')
	};
}
