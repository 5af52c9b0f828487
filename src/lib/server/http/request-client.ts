import type { RequestEvent } from '@sveltejs/kit';
import { getRequestEvent } from '$app/server';
import { describeUserAgent } from './user-agent';

/** Who made a request, as the sessions list and the audit log record it. */
export interface RequestClient {
	ip: string;
	userAgent: string;
}

/** The client of `event`: its address and a readable name for its browser. */
export function requestClient(event: RequestEvent): RequestClient {
	return {
		ip: event.getClientAddress(),
		userAgent: describeUserAgent(event.request.headers.get('user-agent'))
	};
}

/**
 * The client of the request being handled, for code that the request reaches without its
 * event, such as Auth.js callbacks. Null outside a request (e.g. in a unit test).
 */
export function currentClient(): RequestClient | null {
	try {
		return requestClient(getRequestEvent());
	} catch {
		return null;
	}
}
