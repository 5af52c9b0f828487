import type { LoggerInstance } from '@auth/core/types';

/**
 * Auth.js logs each error with its stack and cause. One line per event is enough, and a
 * bad cookie (JWTSessionError) is a warning, not an error. Note: messages carry no token.
 */
export const authLogger: Partial<LoggerInstance> = {
	error(error) {
		// Note: Auth.js wraps the underlying error as `cause.err`.
		const inner = (error.cause as { err?: unknown } | undefined)?.err;
		const reason = firstLine(inner instanceof Error ? inner.message : error.message);
		const log = error.name === 'JWTSessionError' ? console.warn : console.error;
		log(`[auth] ${error.name}: ${reason}`);
	},
	warn(code) {
		console.warn(`[auth] warning: ${code}`);
	},
	debug() {}
};

function firstLine(text: string): string {
	return text.split('\n')[0]!.replace(/\s*Read more at \S+$/, '');
}
