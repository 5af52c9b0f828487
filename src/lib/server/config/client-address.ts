import { ConfigError, type Env } from './env';

/** Set to `true` when clients reach `node build` itself, with no proxy in between. */
const DIRECT_CLIENTS_VARIABLE = 'LATCHKEY_DIRECT_CLIENTS';

/**
 * Where adapter-node's `event.getClientAddress()` comes from. Without `ADDRESS_HEADER` it is
 * the TCP peer, which behind a reverse proxy is the proxy for every client: one shared per-IP
 * sign-in limit, and the proxy's address in the sessions list and the audit log. Served over
 * https (`ORIGIN`, or the protocol read from a proxy's header), the app is behind something
 * that terminates TLS, since `node build` speaks plain http.
 *
 * Returns the one-line start-up warning for that case, or null when the address is known to be
 * the client's: `ADDRESS_HEADER` is set, or `LATCHKEY_DIRECT_CLIENTS=true` says there is no
 * proxy (a TLS terminator that keeps the client's address, for instance).
 */
export function clientAddressWarning(env: Env): string | null {
	if (env.ADDRESS_HEADER || env[DIRECT_CLIENTS_VARIABLE] === 'true') return null;
	const https = env.ORIGIN?.startsWith('https:') ?? false;
	const forwarded = Boolean(env.PROTOCOL_HEADER || env.HOST_HEADER);
	if (!https && !forwarded) return null;
	const reason = https ? 'ORIGIN is https' : 'PROTOCOL_HEADER or HOST_HEADER is set';
	return (
		`Latchkey warning: ${reason} but ADDRESS_HEADER is not set, so behind a proxy every ` +
		"client's address is the proxy's (one sign-in limit for everyone, the proxy's IP in " +
		'sessions and the audit log). Behind one proxy set ADDRESS_HEADER=x-forwarded-for and ' +
		`XFF_DEPTH=1; if clients connect to this server directly, set ${DIRECT_CLIENTS_VARIABLE}=true.`
	);
}

/**
 * A ConfigError when `XFF_DEPTH` cannot work: adapter-node reads it only when a request asks for
 * its client's address, and then throws, so every sign-in would fail with a 500.
 */
export function checkForwardedDepth(env: Env): void {
	if (env.ADDRESS_HEADER?.toLowerCase() !== 'x-forwarded-for' || env.XFF_DEPTH === undefined) {
		return;
	}
	if (!/^[1-9]\d*$/.test(env.XFF_DEPTH)) {
		throw new ConfigError(
			'XFF_DEPTH must be a whole number from 1 (the proxies in front of the app that append to X-Forwarded-For)'
		);
	}
}
