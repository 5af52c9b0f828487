import type { Session } from '@auth/core/types';
import { json } from '@sveltejs/kit';
import type { SessionStatusBody } from '$lib/auth/types';

/**
 * The session-status answer for `session`: 200 with whose it is and when it ends, or 401 (with the reason when
 * the session exists but can no longer be used). Never cached: it is asked to tell the truth now.
 */
export function sessionStatusResponse(session: Session | null): Response {
	const body: SessionStatusBody =
		session === null
			? { status: 401 }
			: session.error !== undefined
				? { status: 401, error: session.error }
				: { status: 200, userId: session.user.id, expires: session.expires };
	return json(body, { status: body.status, headers: { 'cache-control': 'no-store' } });
}
