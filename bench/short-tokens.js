// @ts-check
import { runStorm } from './storm.js';
import { countGrants, residentMb } from './measure.js';
import { browse, signInUsers, sleep } from './users.js';

/** @typedef {import('../idp/provider.js').Idp} Idp */
/** @typedef {import('./users.js').Instance} Instance */

const PATH = '/api/get-session-status';
const THINK_MS = 500;

/**
 * @typedef {object} ShortTokenFigures
 * @property {number} instances
 * @property {number} ttlSeconds
 * @property {number} browseSeconds
 * @property {number} requests the browsing user's
 * @property {number} refreshes refresh_token grants for the browsing user
 * @property {number} refreshesPerExpiry refreshes ÷ the lifetimes that ran out while browsing
 * @property {number[] | null} stormRefreshes refresh_token grants per storm (one per rotation is
 *   right), when the storm ran
 * @property {number | null} stormErrors
 * @property {number} errors the browsing user's answers other than 200, and failed grants
 * @property {number[]} rssMb
 */

/**
 * Short access tokens with the app's default settings: one user browses for `browseSeconds`
 * (a status check `THINK_MS` after each answer) with tokens that live `ttlSeconds`, less than the
 * default refresh window; then, given `storm`, the rotation storm with those tokens.
 * @param {Instance[]} instances sharing one database
 * @param {Idp} idp started with `accessTokenTtl` = `ttlSeconds`
 * @param {{ ttlSeconds: number, browseSeconds: number, storm?: { requests: number, storms: number } }} options
 * @returns {Promise<ShortTokenFigures>}
 */
export async function runShortTokens(instances, idp, { ttlSeconds, browseSeconds, storm }) {
	const [user] = await signInUsers(instances, [`bench-short-${Date.now()}`]);
	if (user === undefined) throw new Error('No user signed in');
	const grants = countGrants(idp);
	const control = { running: true };
	const browsing = browse([user], PATH, THINK_MS, control);
	await sleep(browseSeconds * 1000);
	control.running = false;
	const answers = await browsing;
	grants.stop();
	const refreshes = grants.refreshes.get(user.login) ?? 0;
	const storms = storm && (await runStorm(instances, idp, { ttlSeconds, ...storm }));
	return {
		instances: instances.length,
		ttlSeconds,
		browseSeconds,
		requests: answers.length,
		refreshes,
		refreshesPerExpiry: Math.round((refreshes / Math.floor(browseSeconds / ttlSeconds)) * 10) / 10,
		stormRefreshes: storms ? storms.refreshes : null,
		stormErrors: storms ? storms.errors : null,
		errors: answers.filter(({ status }) => status !== 200).length + grants.counts.failures,
		rssMb: instances.map((instance) => residentMb(instance.pid))
	};
}
