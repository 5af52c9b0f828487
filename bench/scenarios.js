// @ts-check
/** The scenarios of `npm run bench` by name, and the settings each runs with. */
import { withApps } from './apps.js';
import { runDatabaseCut } from './database-cut.js';
import { runLoad } from './load.js';
import { runShortTokens } from './short-tokens.js';
import { runSlowdown } from './slowdown.js';
import { runStorm } from './storm.js';
import { runWave } from './wave.js';

/** @typedef {import('./apps.js').Setup} Setup */
/** @typedef {import('../idp/testkit/tcp-proxy.js').TcpProxy} TcpProxy */

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
// A provider that uses each grant at once and answers this late, past the 5 s request wait; the
// slow phase lasts long enough for every user to rotate again from a late answer's token.
const LATE_ANSWER_SECONDS = [6, 9, 30];
const lateAnswer = (/** @type {number} */ seconds) => ({
	...SLOWDOWN,
	slowSeconds: Math.max(SLOWDOWN.slowSeconds, seconds + 20),
	fault: { answerDelayMs: seconds * 1000 }
});
const LATE_ANSWERS = Object.fromEntries(
	LATE_ANSWER_SECONDS.map((seconds) => [`late-answer-${seconds}s`, lateAnswer(seconds)])
);
// Postgres unreachable for 4 s while answers, 2 s late, are on their way.
const DATABASE_CUT = {
	users: 30,
	dueAfterSeconds: 5,
	skewSeconds: APP_SKEW_SECONDS,
	answerDelayMs: 2_000,
	calmSeconds: 10,
	cutSeconds: 4,
	afterSeconds: 25
};
const SHORT = { ttlSeconds: 10, browseSeconds: 40, storm: { requests: 100, storms: 2 } };
// Long enough that no token falls due unless a scenario gives its users shorter ones.
const LONG_TTL = 3600;

/** The settings of every scenario, as the report records them. */
export const SETTINGS = {
	load: LOAD,
	storm: STORM,
	wave: WAVE,
	slowdown: SLOWDOWN,
	...LATE_ANSWERS,
	'database-cut': DATABASE_CUT,
	short: SHORT
};

/** Each scenario, run on one setup, resolves with its figures. */
export const SCENARIOS = {
	load: (/** @type {Setup} */ setup) => runLoad(setup, LOAD, LONG_TTL),
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
	...Object.fromEntries(
		Object.entries(LATE_ANSWERS).map(([name, options]) => [
			name,
			(/** @type {Setup} */ setup) =>
				withApps({ ...setup, accessTokenTtl: LONG_TTL }, (apps, idp) =>
					runSlowdown(apps, idp, options)
				)
		])
	),
	'database-cut': (/** @type {Setup} */ setup) =>
		withApps({ ...setup, accessTokenTtl: LONG_TTL, proxyDatabase: true }, (apps, idp, database) =>
			runDatabaseCut(apps, idp, /** @type {TcpProxy} */ (database), DATABASE_CUT)
		),
	'short-tokens': (/** @type {Setup} */ setup) =>
		withApps({ ...setup, accessTokenTtl: SHORT.ttlSeconds }, (apps, idp) =>
			runShortTokens(apps, idp, { ...SHORT, storm: setup.instances > 1 ? SHORT.storm : undefined })
		)
};

/** @typedef {keyof typeof SCENARIOS} ScenarioName */

// Note: wave-expired and the late answers run only when named, to keep the default run near 12
// minutes.
/** @type {ScenarioName[]} */
export const DEFAULT_SCENARIOS = [
	'load',
	'storm',
	'wave',
	'slowdown',
	'database-cut',
	'short-tokens'
];

/** Scenarios that need a database server: PGlite runs inside the app, with no connection to cut. */
export const SERVER_ONLY = new Set(['database-cut']);
