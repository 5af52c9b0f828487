/** The app is misconfigured. Its message is one line, names the variable, and holds no secret. */
export class ConfigError extends Error {
	name = 'ConfigError';
}

/** The process environment, or any stand-in for it (tests). */
export type Env = Record<string, string | undefined>;

/** `AUTH_SECRET`, which encrypts session cookies and stored tokens; a ConfigError when unset. */
export function requireSecret(env: Env): string {
	const secret = env.AUTH_SECRET;
	if (!secret)
		throw new ConfigError('AUTH_SECRET is not set (generate one with: openssl rand -base64 33)');
	return secret;
}

/** A whole number (seconds, a count) from env, `fallback` when unset; a ConfigError otherwise. */
export function readWholeNumber(env: Env, name: string, fallback: number): number {
	const value = Number(env[name] || fallback);
	if (!Number.isInteger(value) || value < 0) {
		throw new ConfigError(`${name} must be a whole number`);
	}
	return value;
}
