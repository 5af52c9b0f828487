// @ts-check
/**
 * `npm run bench [-- scenario…]`: builds the app, serves the production build with the local IdP
 * and runs the scenarios (all but `wave-expired` by default): `load` (each route under autocannon), `storm` (the
 * rotation storm), `wave` and `wave-expired` (200 tokens falling due at once beside steady
 * users), `slowdown` (the IdP taking 3 s per token call), `late-answer-6s`, `-9s` and `-30s`
 * (the IdP using each grant at once and answering that much later; not run by default),
 * `database-cut` (Postgres unreachable for 4 s while answers are on their way; Postgres only) and
 * `short-tokens` (10 s tokens with the default refresh window). PGlite always; Postgres too, with two instances where the scenario
 * uses them, when DATABASE_URL is set (each scenario creates and drops a database of its own on
 * that server, so its role needs CREATEDB). `--no-build`
 * reuses build/; `--cpu-prof` has each app instance write a CPU profile into
 * bench/results/profiles when it stops (open it in Chrome's DevTools). Results are merged into bench/results/latest.json, and each rotation scenario
 * draws its latency over time in bench/results/<scenario>-<database>.svg.
 */
import { execFileSync } from 'node:child_process';
import { setupsFor } from './apps.js';
import { writeLatencyChart } from './chart.js';
import { writeReport } from './report.js';
import { DEFAULT_SCENARIOS, SCENARIOS, SERVER_ONLY, SETTINGS } from './scenarios.js';

/** @typedef {import('./scenarios.js').ScenarioName} ScenarioName */

/** @typedef {import('./chart.js').Timeline} Timeline */

const RESULTS_FILE = 'bench/results/latest.json';
const CHARTS_DIR = 'bench/results';
const PROFILES_DIR = 'bench/results/profiles';

const args = process.argv.slice(2);
const names = /** @type {ScenarioName[]} */ (args.filter((arg) => !arg.startsWith('--')));
const unknown = names.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
	console.error(
		`Unknown scenario ${unknown.join(', ')}: choose from ${Object.keys(SCENARIOS).join(', ')}`
	);
	process.exit(2);
}
const selected = names.length > 0 ? names : DEFAULT_SCENARIOS;

if (!args.includes('--no-build')) {
	execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** @type {Record<string, unknown[]>} */
const results = {};
// Note: each instance writes its profile when it stops, into this folder (kept out of git).
const nodeArgs = args.includes('--cpu-prof')
	? ['--cpu-prof', `--cpu-prof-dir=${PROFILES_DIR}`]
	: [];
const setups = setupsFor(process.env.DATABASE_URL, nodeArgs);
for (const name of selected) {
	results[name] = [];
	for (const setup of setups) {
		if (SERVER_ONLY.has(name) && setup.database === 'PGlite') continue;
		console.log(`${name} on ${setup.database}, ${setup.instances} instance(s)…`);
		const { timeline, ...figures } = /** @type {{ timeline?: Timeline }} */ (
			await SCENARIOS[name](setup)
		);
		results[name].push({ database: setup.database, ...figures });
		if (timeline) {
			const title = `${name}, ${setup.instances} × ${setup.database}`;
			writeLatencyChart(
				`${CHARTS_DIR}/${name}-${setup.database.toLowerCase()}.svg`,
				title,
				timeline
			);
		}
	}
}
if (setups.length === 1)
	console.log('\nSet DATABASE_URL to bench Postgres with two instances too.');

writeReport(results, SETTINGS, RESULTS_FILE);
