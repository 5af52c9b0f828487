/** The app is misconfigured. Its message is one line, names the variable, and holds no secret. */
export class ConfigError extends Error {
	name = 'ConfigError';
}
