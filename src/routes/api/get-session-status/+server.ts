import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
	const session = await locals.auth();
	const body =
		session === null
			? { status: 401 }
			: session.error !== undefined
				? { status: 401, error: session.error }
				: { status: 200 };
	return json(body, { status: body.status, headers: { 'cache-control': 'no-store' } });
};
