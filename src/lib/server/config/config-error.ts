/** The app is misconfigured. Its message is one line, names the variable, and holds no secret. */
export class ConfigError extends Error {
	name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** A whole number (seconds, a count) from env, `fallback` when unset; a ConfigError otherwise. */
export function readWholeNumber(env: Env, name: string, fallback: number): number {
	const value = Number(env[name] || fallback);
	if (!Number.isInteger(value) || value < 0) {
		throw new ConfigError(`${name} must be a whole number`);
	}
	return value;
}
