import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { env } from '$env/dynamic/private';
import { memoizeSession, sanitizeAuthRequests, secureCookiesOnHttps } from '$lib/server/authjs';
import { protectRoutes } from '$lib/server/hooks/protect-routes';
import { refuseReservedAction } from '$lib/server/hooks/reserved-action';
import { reportOutages } from '$lib/server/hooks/report-outages';
import { limitSignIns } from '$lib/server/hooks/sign-in-limit';
import type { App } from '$lib/server/app/create-app';
import { startApp } from '$lib/server/app/start';
import { isDatabaseUnavailable } from '$lib/server/db/errors';
import { securityHeaders } from '$lib/server/hooks/security-headers';
import { handle as authHandle } from './auth';

// The composition root: the app is built once, before the first request, and every request
// carries it as `locals.app`.
let app: App;

export const init: ServerInit = async () => {
	app = await startApp(env);
	// adapter-node emits this once the requests under way have been answered; the process then
	// exits when nothing is left open, so the database pool must close. Refreshes under way (some
	// in the background) first store their tokens and release their leases: a killed one would
	// leave a lease that only runs out.
	process.once('sveltekit:shutdown', () => {
		app.close().catch((error: unknown) => console.error('[shutdown]', error));
	});
};

const provideApp: Handle = ({ event, resolve }) => {
	event.locals.app = app;
	return resolve(event);
};

export const handle = sequence(
	provideApp,
	securityHeaders,
	refuseReservedAction,
	limitSignIns,
	reportOutages,
	secureCookiesOnHttps,
	sanitizeAuthRequests,
	authHandle,
	memoizeSession,
	protectRoutes
);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (isDatabaseUnavailable(error)) {
		// Note: `reportOutages` makes the status 503 (SvelteKit 2 gives this hook no say in it).
		console.error(`[db] unavailable during ${event.request.method} ${event.url.pathname}`);
		return { message: 'The service is briefly unavailable. Please try again in a moment.' };
	}
	if (status === 404) return { message };
	if (status < 500) {
		// The client's mistake that SvelteKit caught (415, 413): one line, no stack trace.
		console.warn(`[http] ${status} ${event.request.method} ${event.url.pathname}: ${message}`);
		return { message };
	}
	console.error(error);
	return { message: 'Something went wrong on our side.' };
};
