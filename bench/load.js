// @ts-check
import autocannon from 'autocannon';
import { signInToApp } from '../idp/testkit/app-sign-in.js';
import { withApps } from './apps.js';
import { median, residentMb } from './measure.js';

// autocannon replays one cookie and never stores the one the app re-issues after its session
// check. With a 1 s interval that cookie is past it almost all the time: the load measures the
// per-process memory of the check (one check per second), not a check per request.
const LOAD_ENV = { AUTH_SESSION_CHECK_SECONDS: '1' };

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
 * Each route under autocannon, on one instance (Postgres too runs one here), signed in and out.
 * @param {import('./apps.js').Setup} setup
 * @param {{ rounds: number, duration: number, warmup: number, connections: number }} settings
 * @param {number} accessTokenTtl seconds: long enough that no token falls due
 */
export async function runLoad(setup, settings, accessTokenTtl) {
	const env = { ...setup.env, ...LOAD_ENV };
	return withApps(
		{ instances: 1, env, accessTokenTtl, nodeArgs: setup.nodeArgs },
		async ([app]) => {
			if (app === undefined) throw new Error('No app started');
			const cookie = await signInToApp(app.url, 'github', `bench-reader-${Date.now()}`);
			const home = await (await fetch(app.url, { headers: { cookie } })).text();
			if (!home.includes('Welcome back')) throw new Error('The session cookie does not sign in');
			const routes = [
				{ name: '1. public page', path: '/', status: 200 },
				{ name: '2. same page, signed in', path: '/', status: 200, cookie },
				{
					name: '3. session status, signed in',
					path: '/api/get-session-status',
					status: 200,
					cookie
				},
				{ name: '3. session status, signed out', path: '/api/get-session-status', status: 401 },
				{ name: '4. protected __data.json', path: '/profile/__data.json', status: 200, cookie },
				{ name: 'JSON with no auth (/api/health)', path: '/api/health', status: 200 }
			];
			const figures = await measureRoutes(app, routes, settings);
			const rps = (/** @type {string} */ name) => figures.find((f) => f.name === name)?.rps ?? NaN;
			const base = rps('1. public page');
			return {
				routes: figures.map((f) => ({ ...f, ratio: round(f.rps / base) })),
				statusVsHealth: round(
					rps('3. session status, signed in') / rps('JSON with no auth (/api/health)')
				)
			};
		}
	);
}

/**
 * Loads each route for `duration` seconds, `rounds` times, interleaved (round 1 of every route,
 * then round 2, …) so that a slow phase of the machine hits every route alike, after one warm-up
 * per route. Reports the medians.
 * @param {{ url: string, pid: number }} app
 * @param {Route[]} routes
 * @param {{ rounds: number, duration: number, warmup: number, connections: number }} options
 * @returns {Promise<RouteFigures[]>}
 */
async function measureRoutes(app, routes, { rounds, duration, warmup, connections }) {
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

/** @param {number} value */
function round(value) {
	return Math.round(value * 100) / 100;
}
