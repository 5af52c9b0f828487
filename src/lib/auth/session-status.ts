import { PATHS } from '$lib/paths';
import { SESSION_STATUS_TTL_MS } from '$lib/timings';

export type SessionStatus = 'signed-in' | 'signed-out';

let cached: { status: SessionStatus; checkedAt: number } | null = null;

/** The last answer, while it is fresh; `undefined` when the server must be asked. */
export function peekSessionStatus(now = Date.now()): SessionStatus | undefined {
	if (cached === null || now - cached.checkedAt >= SESSION_STATUS_TTL_MS) return undefined;
	return cached.status;
}

/**
 * Asks `/api/get-session-status` and remembers the answer. A network error or an unexpected
 * status gives `'unknown'` and is not remembered: it must neither sign the user out nor loop.
 */
export async function checkSessionStatus(
	fetchStatus: typeof fetch = fetch
): Promise<SessionStatus | 'unknown'> {
	let response: Response;
	try {
		response = await fetchStatus(PATHS.sessionStatus, { cache: 'no-store' });
	} catch {
		return 'unknown';
	}
	if (response.status !== 200 && response.status !== 401) return 'unknown';
	const status = response.status === 200 ? 'signed-in' : 'signed-out';
	cached = { status, checkedAt: Date.now() };
	return status;
}

/** Forgets the last answer, after a sign-in, a sign-out or any 401. */
export function invalidateSessionStatus(): void {
	cached = null;
}
