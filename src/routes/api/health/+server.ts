import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/**
 * Liveness for load balancers: the process answers. It reads neither the session nor the
 * database, so it is also the bench's baseline for a JSON endpoint with no auth.
 */
export const GET: RequestHandler = () => json({ status: 'ok' });
