// @ts-check
/** The tables `npm run bench` prints, one per scenario. */

/** @typedef {import('./load.js').RouteFigures} RouteFigures */
/** @typedef {{ database: string, routes: (RouteFigures & { ratio: number })[], statusVsHealth: number }} LoadFigures */
/** @typedef {import('./storm.js').StormFigures & { database: string }} StormFigures */
/** @typedef {import('./wave.js').WaveFigures & { database: string }} WaveFigures */
/** @typedef {import('./slowdown.js').SlowdownFigures & { database: string }} SlowdownFigures */
/** @typedef {import('./short-tokens.js').ShortTokenFigures & { database: string }} ShortTokenFigures */
/** @typedef {import('./database-cut.js').DatabaseCutFigures & { database: string }} DatabaseCutFigures */

/**
 * Prints `title` and one table row per run: its label, then its columns.
 * @template T
 * @param {string} title
 * @param {T[]} runs
 * @param {(run: T) => [string, Record<string, unknown>]} row
 */
function printTable(title, runs, row) {
	console.log(`\n${title}`);
	console.table(Object.fromEntries(runs.map(row)));
}

/**
 * An event-loop delay as `p99/max` in ms.
 * @param {import('./event-loop.js').LoopDelay} delay
 */
const loop = ({ p99Ms, maxMs }) => `${p99Ms}/${maxMs}`;

/** @param {LoadFigures[]} suites */
function printLoad(suites) {
	for (const suite of suites) {
		printTable(`Routes on ${suite.database} (medians of the rounds)`, suite.routes, (route) => [
			route.name,
			{
				'req/s': route.rps,
				'× route 1': route.ratio,
				'p50 ms': route.p50,
				'p99 ms': route.p99,
				'RSS MB': route.rssMb
			}
		]);
		console.log(`status (signed in) ÷ /api/health: ${suite.statusVsHealth}×`);
	}
}

/** @param {StormFigures[]} storms */
function printStorms(storms) {
	printTable('Rotation storm', storms, (storm) => [
		`${storm.instances} × ${storm.database}, ${storm.requests} requests`,
		{
			'refreshes per expiry': storm.refreshes.join(', '),
			errors: storm.errors,
			'p50 ms': storm.p50,
			'p99 ms': storm.p99,
			'lone refresh ms': Math.round(storm.singleRefreshMs * 10) / 10,
			'p99 ÷ lone': Math.round((storm.p99 / storm.singleRefreshMs) * 100) / 100,
			'p99, no refresh due': storm.burstP99
		}
	]);
}

/** @param {string} title @returns {(waves: WaveFigures[]) => void} */
const printWaves = (title) => (waves) => {
	printTable(title, waves, (wave) => [
		`${wave.instances} × ${wave.database}`,
		{
			'valid for s': wave.secondsToExpiry,
			'wave p50 ms': wave.p50,
			'wave max ms': wave.max,
			'1st request p50': wave.firstP50,
			'steady p99 before': wave.steadyP99Before,
			'steady p99 during': wave.steadyP99During,
			'steady p99, no token due': wave.steadyP99Control,
			'refreshes/user': `${wave.refreshesPerUser} (max ${wave.maxRefreshesPerUser})`,
			'wave max, no token due': `${wave.controlMax} (${wave.controlRefreshes} refreshes)`,
			'failed grants': wave.failedGrants,
			'errors, timeouts': `${wave.errors}, ${wave.timedOut}`,
			'app CPU % before, during': `${wave.cpuBefore}, ${wave.cpuDuring}`,
			'app CPU ms per wave user (no token due)': `${wave.cpuMsPerWaveUser} (${wave.cpuMsPerControlUser})`,
			'loop p99/max before': loop(wave.loopBefore),
			'loop p99/max during': loop(wave.loopDuring),
			'bench loop before, during': `${loop(wave.benchLoopBefore)}, ${loop(wave.benchLoopDuring)}`,
			'RSS MB': wave.rssMb.join(', ')
		}
	]);
};

/** @param {string} title */
const printSlowdownAs = (title) => (/** @type {SlowdownFigures[]} */ runs) =>
	printTable(title, runs, (run) => [
		`${run.instances} × ${run.database}, ${run.users} users`,
		{
			'calm req/s': run.calmRps,
			'slow req/s': run.slowRps,
			'slow ÷ calm': run.share,
			'> 6 s': run.over6s,
			'max ms': run.slowMax,
			'refreshes calm, slow': `${run.calmRefreshes}, ${run.slowRefreshes}`,
			'failed grants': run.failedGrants,
			'errors (sign-outs), timeouts': `${run.errors} (${run.signOuts}), ${run.timedOut}`,
			'loop p99/max calm, slow': `${loop(run.loopCalm)}, ${loop(run.loopSlow)}`,
			'RSS MB': run.rssMb.join(', ')
		}
	]);

/** @param {DatabaseCutFigures[]} runs */
function printDatabaseCuts(runs) {
	printTable('Postgres cut for 4 s while answers (2 s late) are on their way', runs, (run) => [
		`${run.instances} × ${run.database}, ${run.users} users`,
		{
			'answers under way': run.inFlight,
			'kept, then stored': run.keptAndStored,
			'kept, then lost': run.keptAndLost,
			'refreshes after': run.refreshesAfter,
			'failed grants': run.failedGrants,
			'sign-outs': run.signOuts,
			'503s, errors': `${run.unavailable}, ${run.errors}`,
			'max ms': run.maxMs,
			'loop p99/max calm, cut': `${loop(run.loopCalm)}, ${loop(run.loopCut)}`,
			'RSS MB': run.rssMb.join(', ')
		}
	]);
}

/** @param {ShortTokenFigures[]} runs */
function printShortTokens(runs) {
	printTable('Short access tokens, default refresh window', runs, (run) => [
		`${run.instances} × ${run.database}, ${run.ttlSeconds} s tokens`,
		{
			[`requests in ${run.browseSeconds} s`]: run.requests,
			refreshes: run.refreshes,
			'refreshes per expiry': run.refreshesPerExpiry,
			'storm: refreshes per rotation': run.stormRefreshes?.join(', ') ?? '-',
			errors: run.errors + (run.stormErrors ?? 0),
			'RSS MB': run.rssMb.join(', ')
		}
	]);
}

/** @type {Record<string, (figures: any[]) => void>} */
const PRINTERS = {
	load: printLoad,
	storm: printStorms,
	wave: printWaves(
		'Rotation wave: tokens fall due (inside the refresh window, still valid) at once'
	),
	'wave-expired': printWaves('Rotation wave: tokens expire at once'),
	slowdown: printSlowdownAs('Provider slowdown (3 s per token call)'),
	'late-answer-6s': printSlowdownAs('Late answers (grant used at once, answer 6 s later)'),
	'late-answer-9s': printSlowdownAs('Late answers (grant used at once, answer 9 s later)'),
	'late-answer-30s': printSlowdownAs('Late answers (grant used at once, answer 30 s later)'),
	'database-cut': printDatabaseCuts,
	'short-tokens': printShortTokens
};

/**
 * Prints a table per scenario that ran.
 * @param {Record<string, unknown[]>} results figures per scenario name, one entry per setup
 */
export function printTables(results) {
	for (const [name, figures] of Object.entries(results)) {
		PRINTERS[name]?.(/** @type {any} */ (figures));
	}
}
