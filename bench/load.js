// @ts-check
import autocannon from 'autocannon';
import { residentMb } from './users.js';

/**
 * @typedef {object} Route
 * @property {string} name
 * @property {string} path
 * @property {number} status every response must have it, or the figures are not comparable
 * @property {string} [cookie]
 */

/**
 * @typedef {object} RouteFigures
 * @property {string} name
 * @property {string} path
 * @property {number} rps median over the rounds of the mean requests per second
 * @property {number} p50 median latency, ms
 * @property {number} p99 ms
 * @property {number} rssMb the server's resident memory after the route's last round, MB
 */

/**
 * Loads each route for `duration` seconds, `rounds` times, interleaved (round 1 of every route,
 * then round 2, …) so that a slow phase of the machine hits every route alike, after one warm-up
 * per route. Reports the medians.
 * @param {{ url: string, pid: number }} app
 * @param {Route[]} routes
 * @param {{ rounds: number, duration: number, warmup: number, connections: number }} options
 * @returns {Promise<RouteFigures[]>}
 */
export async function measureRoutes(app, routes, { rounds, duration, warmup, connections }) {
	for (const route of routes) await load(app, route, warmup, connections);
	/** @type {Map<Route, autocannon.Result[]>} */
	const results = new Map(routes.map((route) => [route, []]));
	/** @type {Map<Route, number>} */
	const resident = new Map();
	for (let round = 0; round < rounds; round++) {
		for (const route of routes) {
			results.get(route)?.push(await load(app, route, duration, connections));
			resident.set(route, residentMb(app.pid));
		}
	}
	return routes.map((route) => {
		const runs = results.get(route) ?? [];
		return {
			name: route.name,
			path: route.path,
			rps: Math.round(median(runs.map((run) => run.requests.average))),
			p50: median(runs.map((run) => run.latency.p50)),
			p99: median(runs.map((run) => run.latency.p99)),
			rssMb: resident.get(route) ?? NaN
		};
	});
}

/**
 * @param {{ url: string }} app
 * @param {Route} route
 * @param {number} duration seconds
 * @param {number} connections
 */
async function load(app, route, duration, connections) {
	const result = await autocannon({
		url: app.url + route.path,
		duration,
		connections,
		headers: route.cookie === undefined ? {} : { cookie: route.cookie }
	});
	const statuses = Object.keys(result.statusCodeStats ?? {}).map(Number);
	if (result.errors > 0 || statuses.some((status) => status !== route.status)) {
		throw new Error(
			`${route.name}: ${result.errors} errors, statuses ${statuses.join(', ')} (want ${route.status})`
		);
	}
	return result;
}

/** @param {number[]} values */
export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2
		? (sorted[middle] ?? NaN)
		: ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}
