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
 * The secrets that encrypt session cookies and stored tokens, newest first, as Auth.js orders
 * them: the highest-numbered one that is set encrypts, and every one decrypts. A ConfigError when
 * none is set or one is shorter than 32 bytes (a guessable secret forges every session).
 */
export function readSecrets(env: Env): string[] {
	return readNamedSecrets(env).map(({ secret }) => secret);
}

/** `readSecrets`, each with the name of its variable. */
export function readNamedSecrets(env: Env): { name: string; secret: string }[] {
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
	return named.reverse();
}

/** A whole number (seconds, a count) from env, `fallback` when unset; a ConfigError otherwise. */
export function readWholeNumber(env: Env, name: string, fallback: number): number {
	const value = Number(env[name] || fallback);
	if (!Number.isInteger(value) || value < 0) {
		throw new ConfigError(`${name} must be a whole number`);
	}
	return value;
}
