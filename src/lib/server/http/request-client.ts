import type { RequestEvent } from '@sveltejs/kit';
import { describeUserAgent } from './user-agent';

/** Who made a request, as the sessions list and the audit log record it. */
export interface RequestClient {
	ip: string;
	userAgent: string;
}

/** The client of `event`: its address and a readable name for its browser. */
export function requestClient(event: RequestEvent): RequestClient {
	const { headers } = event.request;
	return {
		ip: event.getClientAddress(),
		userAgent: describeUserAgent(headers.get('user-agent'), headers.get('sec-ch-ua'))
	};
}
