// @ts-check
import { signInUsers } from './users.js';

/** @typedef {import('../idp/provider.js').Idp} Idp */
/** @typedef {import('./users.js').Instance} Instance */

/** The steady users' calm phase, between the last sign-in and the wave. */
export const BASELINE_MS = 5_000;
/** Wave users whose sign-ins time the rest (after the steady users' sign-ins warmed the app). */
const CALIBRATION_USERS = 8;

/**
 * Signs in the steady users, then the wave users with access tokens that all expire at
 * `expiresAt` (a lifetime per login, set at the IdP just before that login's sign-in), timed from
 * a few calibration sign-ins so that the last wave user is signed in `BASELINE_MS` before the
 * wave: `validSeconds` before `expiresAt`, or just after it with `expired`.
 * @param {Instance[]} instances
 * @param {Idp} idp
 * @param {import('./wave.js').WaveOptions} options
 */
export async function signInWaveUsers(instances, idp, options) {
	const { waveUsers, steadyUsers, validSeconds, expired } = options;
	const run = Date.now();
	const logins = (/** @type {string} */ kind, /** @type {number} */ count) =>
		Array.from({ length: count }, (_, i) => `bench-${kind}-${run}-${i}`);
	const steady = await signInUsers(instances, logins('steady', steadyUsers));
	const calibrated = performance.now();
	await signInUsers(instances, logins('calibration', CALIBRATION_USERS));
	const perSignInMs = (performance.now() - calibrated) / CALIBRATION_USERS;
	// Note: an overrun only shortens how long the tokens are still valid at the wave (reported).
	const signedInBy = Date.now() + 1.3 * perSignInMs * waveUsers + BASELINE_MS;
	// Note: a token is due in the last min(skew, a quarter of its lifetime) (the app's window), so
	// every token, issued at least 4 × validSeconds before it expires, is due at the wave.
	const expiresAt = expired ? signedInBy - 1_000 : signedInBy + 4 * validSeconds * 1000;
	const waveAt = expired ? signedInBy : expiresAt - validSeconds * 1000;
	console.log(
		`  signing in ${waveUsers} wave users (~${Math.round((waveAt - Date.now()) / 1000)} s)…`
	);
	const ttls = /** @type {Record<string, number>} */ ({});
	const wave = await signInUsers(instances, logins('wave', waveUsers), {
		beforeEach: (login) => {
			ttls[login] = Math.max(1, Math.ceil((expiresAt - Date.now()) / 1000));
			idp.faults.set({ github: { accessTokenTtlByLogin: ttls } });
		}
	});
	return { steady, wave, expiresAt, waveAt };
}
