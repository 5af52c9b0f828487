import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
	const status = (await locals.auth()) === null ? 401 : 200;
	return json({ status }, { status, headers: { 'cache-control': 'no-store' } });
};
