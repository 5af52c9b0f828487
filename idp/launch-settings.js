// @ts-check
/**
 * The launcher's settings, from the environment and `.data/`. A value that does not parse stops
 * the launcher with one line naming its variable (exit code 2).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/** @typedef {Record<string, string | undefined>} Env */

const SECRET_FILE = '.data/auth-secret';

/**
 * The local IdPs' fault knobs, for demos; every one is off unless set.
 * @param {Env} env
 * @returns {Partial<import('./faults.js').TokenFaults>}
 */
export function faultsFromEnv(env) {
	return {
		latencyMs: integerFromEnv(env, 'IDP_TOKEN_LATENCY_MS', 0),
		answerDelayMs: integerFromEnv(env, 'IDP_TOKEN_ANSWER_DELAY_MS', 0),
		outage: booleanFromEnv(env, 'IDP_TOKEN_OUTAGE'),
		keepRefreshToken: booleanFromEnv(env, 'IDP_KEEP_REFRESH_TOKEN'),
		strictBasicAuth: booleanFromEnv(env, 'IDP_STRICT_BASIC_AUTH'),
		accessTokenTtlByLogin: ttlsByLoginFromEnv(env)
	};
}

/** The AUTH_SECRET kept in .data/ (which git ignores), created on first use. */
export function persistentSecret() {
	if (existsSync(SECRET_FILE)) return readFileSync(SECRET_FILE, 'utf8').trim();
	mkdirSync('.data', { recursive: true });
	const secret = randomBytes(32).toString('base64url');
	writeFileSync(SECRET_FILE, `${secret}\n`, { mode: 0o600 });
	return secret;
}

/**
 * @param {Env} env
 * @param {string} name
 * @param {number} fallback
 */
export function integerFromEnv(env, name, fallback) {
	const raw = env[name];
	if (!raw) return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 0) {
		console.error(`Latchkey: ${name} must be a whole number, not "${raw}"`);
		process.exit(2);
	}
	return value;
}

/**
 * IDP_ACCESS_TOKEN_TTL_BY_LOGIN, e.g. `alice=30,bob=600`: seconds per login.
 * @param {Env} env
 */
function ttlsByLoginFromEnv(env) {
	const raw = env.IDP_ACCESS_TOKEN_TTL_BY_LOGIN ?? '';
	/** @type {Record<string, number>} */
	const ttls = {};
	for (const entry of raw.split(',').filter((part) => part.trim())) {
		const [login = '', seconds = ''] = entry.split('=').map((part) => part.trim());
		const ttl = Number(seconds);
		if (!login || !Number.isInteger(ttl) || ttl <= 0) {
			console.error(`Latchkey: IDP_ACCESS_TOKEN_TTL_BY_LOGIN wants login=seconds, not "${entry}"`);
			process.exit(2);
		}
		ttls[login] = ttl;
	}
	return ttls;
}

/**
 * @param {Env} env
 * @param {string} name
 */
function booleanFromEnv(env, name) {
	const raw = (env[name] ?? '').toLowerCase();
	if (['', '0', 'false'].includes(raw)) return false;
	if (['1', 'true'].includes(raw)) return true;
	console.error(`Latchkey: ${name} must be 1, true, 0 or false, not "${raw}"`);
	process.exit(2);
}
