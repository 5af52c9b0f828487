// @ts-check
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';

/** @typedef {import('./load.js').RouteFigures} RouteFigures */
/** @typedef {import('./storm.js').StormFigures} StormFigures */

/**
 * @typedef {object} Results
 * @property {{ database: string, routes: (RouteFigures & { ratio: number })[], statusVsHealth: number }[]} suites
 * @property {(StormFigures & { database: string })[]} storms
 * @property {Record<string, number>} settings
 */

/** The machine the figures come from: they mean little without it. */
export function describeMachine() {
	const [cpu] = os.cpus();
	return {
		cpu: `${os.cpus().length} × ${cpu?.model.trim() ?? 'unknown CPU'}`,
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
		os: `${os.type()} ${os.release()}`,
		node: process.version
	};
}

/**
 * Prints the tables and writes everything to `file` as JSON.
 * @param {Results} results
 * @param {string} file
 */
export function writeReport(results, file) {
	const report = { date: new Date().toISOString(), machine: describeMachine(), ...results };
	for (const suite of results.suites) {
		console.log(`\nRoutes on ${suite.database} (medians of ${results.settings.rounds} rounds)`);
		console.table(
			Object.fromEntries(
				suite.routes.map((route) => [
					route.name,
					{
						'req/s': route.rps,
						'× route 1': route.ratio,
						'p50 ms': route.p50,
						'p99 ms': route.p99,
						'RSS MB': route.rssMb
					}
				])
			)
		);
		console.log(`status (signed in) ÷ /api/health: ${suite.statusVsHealth}×`);
	}
	for (const storm of results.storms) {
		console.log(
			`\nRotation storm, ${storm.instances} instance(s) on ${storm.database}: ` +
				`${storm.requests} concurrent requests × ${storm.refreshes.length} expiries`
		);
		console.table({
			storm: {
				'refreshes per expiry': storm.refreshes.join(', '),
				errors: storm.errors,
				'p50 ms': storm.p50,
				'p99 ms': storm.p99,
				'lone refresh ms': Math.round(storm.singleRefreshMs * 10) / 10,
				'p99 ÷ lone': Math.round((storm.p99 / storm.singleRefreshMs) * 100) / 100,
				'p99, no refresh due': storm.burstP99
			}
		});
	}
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, `${JSON.stringify(report, null, '\t')}\n`);
	console.log(`\nWritten to ${file}`);
}
