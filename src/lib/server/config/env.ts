/** The app is misconfigured. Its message is one line, names the variable, and holds no secret. */
export class ConfigError extends Error {
	name = 'ConfigError';
}

/** The process environment, or any stand-in for it (tests). */
export type Env = Record<string, string | undefined>;

/** The secret variables, oldest first: Auth.js's convention for rotating `AUTH_SECRET`. */
const SECRET_NAMES = ['AUTH_SECRET', 'AUTH_SECRET_1', 'AUTH_SECRET_2', 'AUTH_SECRET_3'];
const MIN_SECRET_BYTES = 32;

/**
 * The secrets that encrypt session cookies and stored tokens, the one that encrypts first, then
 * the others newest first; every one decrypts. The highest-numbered one that is set encrypts,
 * unless `AUTH_SECRET_ENCRYPTS` names another: while a new secret rolls out one instance at a
 * time, it is first only accepted everywhere (see "Rotating AUTH_SECRET" in docs/operations.md). A
 * ConfigError when none is set, one is shorter than 32 bytes (a guessable secret forges every
 * session), or `AUTH_SECRET_ENCRYPTS` names no secret that is set.
 */
export function readSecrets(env: Env): string[] {
	return readNamedSecrets(env).map(({ secret }) => secret);
}

/** `readSecrets`, each with the name of its variable. */
export function readNamedSecrets(env: Env): NamedSecret[] {
	const { newestFirst, current } = orderSecrets(env);
	return [current, ...newestFirst.filter((secret) => secret !== current)];
}

/**
 * The secrets newer than the one that encrypts: none, unless `AUTH_SECRET_ENCRYPTS` names an
 * older one while a new secret rolls out. They are accepted as they are: a cookie sealed under
 * one by an instance a step ahead is not re-issued back under the older secret on every visit.
 */
export function readAcceptedOnlySecrets(env: Env): string[] {
	const { newestFirst, current } = orderSecrets(env);
	return newestFirst.slice(0, newestFirst.indexOf(current)).map(({ secret }) => secret);
}

interface NamedSecret {
	name: string;
	secret: string;
}

function orderSecrets(env: Env): { newestFirst: NamedSecret[]; current: NamedSecret } {
	const named = SECRET_NAMES.flatMap((name) => (env[name] ? [{ name, secret: env[name] }] : []));
	if (named.length === 0) {
		throw new ConfigError('AUTH_SECRET is not set (generate one with: openssl rand -base64 33)');
	}
	for (const { name, secret } of named) {
		if (new TextEncoder().encode(secret).byteLength < MIN_SECRET_BYTES) {
			throw new ConfigError(
				`${name} is shorter than ${MIN_SECRET_BYTES} bytes (generate one with: openssl rand -base64 33)`
			);
		}
	}
	const newestFirst = named.reverse();
	const encrypts = env.AUTH_SECRET_ENCRYPTS;
	const current = encrypts ? newestFirst.find(({ name }) => name === encrypts) : newestFirst[0];
	if (current === undefined) {
		throw new ConfigError(
			`AUTH_SECRET_ENCRYPTS must name a secret variable that is set (${newestFirst.map(({ name }) => name).join(', ')})`
		);
	}
	return { newestFirst, current };
}

/** A whole number (seconds, a count) from env, `fallback` when unset; a ConfigError otherwise. */
export function readWholeNumber(env: Env, name: string, fallback: number): number {
	const value = Number(env[name] || fallback);
	if (!Number.isInteger(value) || value < 0) {
		throw new ConfigError(`${name} must be a whole number`);
	}
	return value;
}
