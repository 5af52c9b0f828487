// @ts-check
/** What the scenarios measure with: grants at the IdP, percentiles, resident memory. */
import { readFileSync } from 'node:fs';

/**
 * Refresh_token grants at the IdP by login, and failed grants, from now until `stop()`.
 * @param {import('../idp/provider.js').Idp} idp
 */
export function countGrants(idp) {
	/** @type {Map<string, number>} */
	const refreshes = new Map();
	const counts = { refreshes: 0, failures: 0 };
	const stop = idp.onTokenEndpoint((event) => {
		if (event.grantType === 'refresh_token') {
			counts.refreshes++;
			if (event.login) refreshes.set(event.login, (refreshes.get(event.login) ?? 0) + 1);
		}
		if (!event.ok) counts.failures++;
	});
	return { counts, refreshes, stop };
}

/**
 * @param {number[]} values any order
 * @param {number} fraction 0.5 for the median
 */
export function percentile(values, fraction) {
	const sorted = [...values].sort((a, b) => a - b);
	const index = Math.max(0, Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1));
	return Math.round(sorted[index] ?? NaN);
}

/** @param {number[]} values */
export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2
		? (sorted[middle] ?? NaN)
		: ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

// Note: the kernel's clock ticks per second (`getconf CLK_TCK`), 100 on Linux for x86 and ARM.
const CLOCK_TICKS = 100;

/**
 * The CPU time a process has used so far (user and system), in ms, from /proc (Linux).
 * @param {number} pid
 */
export function cpuMs(pid) {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// The fields after the command (which may hold spaces) in its parentheses: utime is the 12th.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * How busy each process was from `cpuMs`'s figures `before` until now, over `wallMs`: the
 * busiest process's share of one core, in %.
 * @param {number[]} pids
 * @param {number[]} before
 * @param {number} wallMs
 */
export function busiestCorePercent(pids, before, wallMs) {
	const used = pids.map((pid, i) => cpuMs(pid) - (before[i] ?? 0));
	return Math.round((Math.max(...used) / wallMs) * 100);
}

/**
 * The CPU time `pids` used together from `cpuMs`'s figures `before` until now, in ms.
 * @param {number[]} pids
 * @param {number[]} before
 */
export function totalCpuMs(pids, before) {
	return pids.reduce((sum, pid, i) => sum + cpuMs(pid) - (before[i] ?? 0), 0);
}

/**
 * A process's resident memory in MB, from /proc (Linux).
 * @param {number} pid
 */
export function residentMb(pid) {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kilobytes = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
	return Math.round(kilobytes / 1024);
}
