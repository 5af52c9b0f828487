import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { Browser } from '../../idp/testkit/browser.js';

// A request unanswered this long counts as failed.
const REQUEST_TIMEOUT_MS = 15_000;

export interface Reply {
	status: number;
	headers: IncomingHttpHeaders;
	body: string;
}

interface RequestOptions {
	method?: string;
	/** Posted urlencoded, with the origin's `Origin` header as a browser sends it. */
	form?: Record<string, string>;
	headers?: Record<string, string>;
}

/**
 * A client of the app through its TLS proxy, as one browser on one machine: it keeps its own
 * cookies (and stores the ones the app re-issues), connects from its own source address
 * (`localAddress`: all of 127.0.0.0/8 is this host), keeps its connections alive, and trusts the
 * proxy's throwaway certificate.
 */
export class ProxyClient {
	readonly cookies = new Map<string, string>();
	readonly #agent: Agent;

	constructor(
		readonly origin: string,
		{ certificate, localAddress }: { certificate: string; localAddress?: string }
	) {
		this.#agent = new Agent({ ca: certificate, localAddress, keepAlive: true });
	}

	/** `path` on the origin (or a whole URL there); redirects are returned, not followed. */
	request(path: string, { method = 'GET', form, headers = {} }: RequestOptions = {}) {
		const url = new URL(path, this.origin);
		const body = form && new URLSearchParams(form).toString();
		const cookie = this.cookieHeader();
		return new Promise<Reply>((resolve, reject) => {
			const outgoing = request(
				url,
				{
					method: form ? 'POST' : method,
					agent: this.#agent,
					headers: {
						...(cookie && { cookie }),
						...(body !== undefined && {
							'content-type': 'application/x-www-form-urlencoded',
							origin: this.origin
						}),
						...headers
					}
				},
				(incoming) => {
					let text = '';
					incoming.setEncoding('utf8');
					incoming.on('data', (chunk) => (text += chunk));
					incoming.on('error', reject);
					incoming.on('end', () => {
						this.#storeCookies(incoming.headers['set-cookie'] ?? []);
						resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: text });
					});
				}
			);
			outgoing.on('error', reject);
			outgoing.setTimeout(REQUEST_TIMEOUT_MS, () =>
				outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`))
			);
			outgoing.end(body);
		});
	}

	/** The Cookie header this client sends. */
	cookieHeader(): string {
		return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
	}

	/** The session cookie's value (all its chunks), or undefined when signed out. */
	sessionCookie(): string | undefined {
		const chunks = [...this.cookies].filter(([name]) => name.includes('authjs.session-token'));
		return chunks.length === 0 ? undefined : chunks.map(([, value]) => value).join('');
	}

	close(): void {
		this.#agent.destroy();
	}

	#storeCookies(headers: string[]): void {
		for (const header of headers) {
			const [pair = ''] = header.split(';');
			const name = pair.slice(0, pair.indexOf('='));
			const value = pair.slice(pair.indexOf('=') + 1);
			if (value === '' || /;\s*max-age=0/i.test(header)) this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}
}

/**
 * Signs `login` in with the local `provider` (GitHub unless told), the app's side through
 * `client` (so from its address), the IdP's pages directly, as a browser would reach them.
 */
export async function signInThrough(
	client: ProxyClient,
	login: string,
	provider: 'github' | 'google' = 'github'
): Promise<void> {
	const start = await client.request(`/auth/signin/${provider}`, {
		form: { callbackUrl: client.origin }
	});
	const location = start.headers.location;
	if (start.status !== 302 || location === undefined) {
		throw new Error(`Sign-in did not start: ${start.status}`);
	}
	const { callback } = await new Browser(client.origin).signIn(new URL(location), login);
	const landed = await client.request(callback.href);
	if (landed.status !== 302 || client.sessionCookie() === undefined) {
		throw new Error(`The callback answered ${landed.status} without a session cookie`);
	}
}
