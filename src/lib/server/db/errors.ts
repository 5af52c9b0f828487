// Connection-level failures, from postgres.js (`code`) or the server (SQLSTATE classes 08 and 57P).
const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ENOTFOUND',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'CONNECT_TIMEOUT',
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED'
]);

function errorCode(error: unknown): string | undefined {
	if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
	return typeof error.code === 'string' ? error.code : undefined;
}

/** Walks `cause` chains: drizzle wraps driver errors in `DrizzleQueryError`. */
function* causes(error: unknown): Generator<unknown> {
	for (let current = error, depth = 0; current != null && depth < 5; depth++) {
		yield current;
		current = current instanceof Error ? current.cause : undefined;
	}
}

/** True when the error means "the database is down or unreachable", as opposed to a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
	for (const cause of causes(error)) {
		const code = errorCode(cause);
		if (code === undefined) continue;
		if (CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P')) return true;
	}
	return false;
}

/** A short reason for an error, e.g. `ECONNREFUSED` or the server's message. */
export function describeDatabaseError(error: unknown): string {
	for (const cause of causes(error)) {
		const code = errorCode(cause);
		if (code !== undefined && CONNECTION_CODES.has(code)) return code;
	}
	const innermost = [...causes(error)].at(-1);
	return innermost instanceof Error ? innermost.message.split('\n')[0]! : String(innermost);
}
