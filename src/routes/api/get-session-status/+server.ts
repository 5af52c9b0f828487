import { sessionStatusResponse } from '$lib/server/auth/session-status';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => sessionStatusResponse(await locals.auth());
