// @ts-check
/**
 * `npm run bench [-- scenario…]`: builds the app, serves the production build with the local IdP
 * and runs the scenarios (all but `wave-expired` by default): `load` (each route under autocannon), `storm` (the
 * rotation storm), `wave` and `wave-expired` (200 tokens falling due at once beside steady
 * users), `slowdown` (the IdP taking 3 s per token call) and `short-tokens` (10 s tokens with the
 * default refresh window). PGlite always; Postgres too, with two instances where the scenario
 * uses them, when DATABASE_URL is set (its server gets tables and bench users). `--no-build`
 * reuses build/. Results are merged into bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { setupsFor, withApps } from './apps.js';
import { measureRoutes } from './load.js';
import { writeReport } from './report.js';
import { runShortTokens } from './short-tokens.js';
import { runSlowdown } from './slowdown.js';
import { signInToApp } from '../e2e/support/session.js';
import { runStorm } from './storm.js';
import { runWave } from './wave.js';

const LOAD = { rounds: 5, duration: 3, warmup: 2, connections: 10 };
// Access tokens live 3 s in the storm, and the app refreshes them within 1 s of their end.
const STORM = { ttlSeconds: 3, requests: 100, storms: 3 };
const STORM_ENV = { AUTH_REFRESH_SKEW_SECONDS: '1' };
// Note: the app's default AUTH_REFRESH_SKEW_SECONDS; the rotation scenarios run with defaults.
const APP_SKEW_SECONDS = 60;
const WAVE = { waveUsers: 200, steadyUsers: 8, latencyMs: 1_000, validSeconds: 10 };
const SLOWDOWN = {
	users: 30,
	calmSeconds: 15,
	slowSeconds: 20,
	latencyMs: 3_000,
	skewSeconds: APP_SKEW_SECONDS,
	dueAfterSeconds: 5
};
const SHORT = { ttlSeconds: 10, browseSeconds: 40, storm: { requests: 100, storms: 2 } };
// Long enough that no token falls due unless a scenario gives its users shorter ones.
const LONG_TTL = 3600;
const RESULTS_FILE = 'bench/results/latest.json';

// autocannon replays one cookie and never stores the one the app re-issues after its session
// check. With a 1 s interval that cookie is past it almost all the time: the load measures the
// per-process memory of the check (one check per second), not a check per request.
const LOAD_ENV = { AUTH_SESSION_CHECK_SECONDS: '1' };

const SCENARIOS = {
	load: runLoad,
	storm: (/** @type {Setup} */ setup) =>
		withApps(
			{ ...setup, env: { ...setup.env, ...STORM_ENV }, accessTokenTtl: STORM.ttlSeconds },
			(apps, idp) => runStorm(apps, idp, STORM)
		),
	wave: (/** @type {Setup} */ setup) =>
		withApps({ ...setup, accessTokenTtl: LONG_TTL }, (apps, idp) =>
			runWave(apps, idp, { ...WAVE, expired: false })
		),
	'wave-expired': (/** @type {Setup} */ setup) =>
		withApps({ ...setup, accessTokenTtl: LONG_TTL }, (apps, idp) =>
			runWave(apps, idp, { ...WAVE, expired: true })
		),
	slowdown: (/** @type {Setup} */ setup) =>
		withApps({ ...setup, accessTokenTtl: LONG_TTL }, (apps, idp) =>
			runSlowdown(apps, idp, SLOWDOWN)
		),
	'short-tokens': (/** @type {Setup} */ setup) =>
		withApps({ ...setup, accessTokenTtl: SHORT.ttlSeconds }, (apps, idp) =>
			runShortTokens(apps, idp, { ...SHORT, storm: setup.instances > 1 ? SHORT.storm : undefined })
		)
};

/** @typedef {import('./apps.js').Setup} Setup */
/** @typedef {keyof typeof SCENARIOS} ScenarioName */

const args = process.argv.slice(2);
const names = /** @type {ScenarioName[]} */ (args.filter((arg) => !arg.startsWith('--')));
const unknown = names.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
	console.error(
		`Unknown scenario ${unknown.join(', ')}: choose from ${Object.keys(SCENARIOS).join(', ')}`
	);
	process.exit(2);
}
// Note: wave-expired runs only when named, to keep the default run near 12 minutes.
const DEFAULT = /** @type {ScenarioName[]} */ ([
	'load',
	'storm',
	'wave',
	'slowdown',
	'short-tokens'
]);
const selected = names.length > 0 ? names : DEFAULT;

if (!args.includes('--no-build')) {
	execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** @type {Record<string, unknown[]>} */
const results = {};
const setups = setupsFor(process.env.DATABASE_URL);
for (const name of selected) {
	results[name] = [];
	for (const setup of setups) {
		console.log(`${name} on ${setup.database}, ${setup.instances} instance(s)…`);
		const figures = await SCENARIOS[name](setup);
		results[name].push({ database: setup.database, ...figures });
	}
}
if (setups.length === 1)
	console.log('\nSet DATABASE_URL to bench Postgres with two instances too.');

writeReport(
	results,
	{ load: LOAD, storm: STORM, wave: WAVE, slowdown: SLOWDOWN, short: SHORT },
	RESULTS_FILE
);

/**
 * Each route under autocannon, on one instance (Postgres too runs one here).
 * @param {Setup} setup
 */
async function runLoad(setup) {
	const env = { ...setup.env, ...LOAD_ENV };
	return withApps({ instances: 1, env, accessTokenTtl: LONG_TTL }, async ([app]) => {
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
		const figures = await measureRoutes(app, routes, LOAD);
		const rps = (/** @type {string} */ name) => figures.find((f) => f.name === name)?.rps ?? NaN;
		const base = rps('1. public page');
		return {
			routes: figures.map((f) => ({ ...f, ratio: round(f.rps / base) })),
			statusVsHealth: round(
				rps('3. session status, signed in') / rps('JSON with no auth (/api/health)')
			)
		};
	});
}

/** @param {number} value */
function round(value) {
	return Math.round(value * 100) / 100;
}
