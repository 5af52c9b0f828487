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

/**
 * A process's resident memory in MB, from /proc (Linux).
 * @param {number} pid
 */
export function residentMb(pid) {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kilobytes = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
	return Math.round(kilobytes / 1024);
}
