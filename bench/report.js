// @ts-check
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { printTables } from './tables.js';

// The keys that the first scenarios have always had in latest.json.
const FILE_KEYS = /** @type {Record<string, string>} */ ({ load: 'suites', storm: 'storms' });

/** The machine the figures come from: they mean little without it. */
function describeMachine() {
	const [cpu] = os.cpus();
	return {
		cpu: `${os.cpus().length} × ${cpu?.model.trim() ?? 'unknown CPU'}`,
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
		os: `${os.type()} ${os.release()}`,
		node: process.version
	};
}

/**
 * Prints a table per scenario that ran, and merges its figures into `file` (JSON), so that one
 * scenario can be re-run alone.
 * @param {Record<string, unknown[]>} results figures per scenario name, one entry per setup
 * @param {Record<string, object>} settings
 * @param {string} file
 */
export function writeReport(results, settings, file) {
	printTables(results);
	const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
	const report = { ...previous, date: new Date().toISOString(), machine: describeMachine() };
	for (const [name, figures] of Object.entries(results)) report[FILE_KEYS[name] ?? name] = figures;
	report.settings = { ...previous.settings, ...settings };
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, `${JSON.stringify(report, null, '\t')}\n`);
	console.log(`\nWritten to ${file}`);
}
