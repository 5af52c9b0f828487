import { sessionStatusResponse } from '$lib/server/web/session-status';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => sessionStatusResponse(await locals.auth());
