import type { APIRequestContext } from '@playwright/test';
import { expect, privateAppUrl, test } from './fixtures';

// A private app, so that its log can be read: no stack trace, at most one line a request.
test.use({ baseURL: privateAppUrl });

/** Bodies no form of ours sends. Note: text/plain is a form type, so it passes the CSRF check. */
const BROKEN_BODIES: { label: string; contentType: string; body: string }[] = [
	{ label: 'text/plain', contentType: 'text/plain', body: 'name=Mallory' },
	{ label: 'text/plain, utf-8', contentType: 'text/plain;charset=UTF-8', body: 'id=x\r\n' },
	{
		label: 'multipart, wrong boundary',
		contentType: 'multipart/form-data; boundary=expected',
		body: '--other\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--other--\r\n'
	},
	{
		label: 'multipart, no boundary',
		contentType: 'multipart/form-data',
		body: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n'
	},
	{
		label: 'multipart, cut short',
		contentType: 'multipart/form-data; boundary=b',
		body: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx'
	},
	{ label: 'JSON', contentType: 'application/json', body: '{"name":"Mallory","id":"x"}' },
	{ label: 'bytes', contentType: 'application/octet-stream', body: '\u0000\u00ff\u0001' }
];

/** Well-formed forms whose values no person types. */
const ODD_VALUES: Record<string, string> = {
	NUL: 'a\u0000b',
	'lone NUL': '\u0000',
	SOH: 'a\u0001b',
	ESC: 'a\u001b[31mb',
	DEL: 'a\u007fb',
	'C1 NEL': 'a\u0085b',
	'100 000 characters': 'x'.repeat(100_000)
};

/** Every action and endpoint that reads a body, with the field that carries the text. */
const TARGETS: { path: string; field: string; extra?: Record<string, string> }[] = [
	{ path: '/profile?/rename', field: 'name' },
	{ path: '/profile?/unlink', field: 'provider' },
	{ path: '/profile?/deleteAccount', field: 'confirm' },
	{ path: '/account/sessions?/revoke', field: 'id' },
	{ path: '/account/sessions?/revokeOthers', field: 'id' },
	{ path: '/connections?/refresh', field: 'provider' },
	{ path: '/signin', field: 'redirectTo', extra: { providerId: 'github' } },
	{ path: '/signin', field: 'providerId' },
	{ path: '/api/extend-session', field: 'id' },
	// SvelteKit's reserved action name.
	{ path: '/profile?/default', field: 'name' },
	{ path: '/signin?/default', field: 'providerId' }
];

/** Where the text goes nowhere near the database or Auth.js: these answer 400 to the odd values. */
const VALIDATED = new Set(['/profile?/rename', '/account/sessions?/revoke']);

test('malformed bodies and odd values on every action and endpoint get a 4xx, never a 5xx or a stack trace', async ({
	signedInPage: page,
	privateApp: app
}) => {
	const logBefore = app.output().length;
	let requests = 0;

	/** The status, or for an action's JSON answer (`use:enhance`), the status of its failure. */
	const post = async (request: APIRequestContext, path: string, options: object) => {
		requests++;
		const response = await request.post(path, { maxRedirects: 0, ...options });
		if (!response.headers()['content-type']?.startsWith('application/json')) {
			return response.status();
		}
		const result = await response.json();
		return result.type === 'failure' ? (result.status as number) : response.status();
	};
	const origin = { origin: app.url };

	for (const accept of ['text/html', 'application/json']) {
		for (const { label, contentType, body } of BROKEN_BODIES) {
			const headers = { ...origin, accept, 'content-type': contentType };
			for (const { path } of [...TARGETS, { path: '/signout' }]) {
				const status = await post(page.request, path, { headers, data: body });
				if (path === '/api/extend-session') expect(status, `${label} → ${path}`).toBe(200);
				else expect(status, `${label} (${accept}) → ${path}`).toBeGreaterThanOrEqual(400);
				expect(status, `${label} (${accept}) → ${path}`).toBeLessThan(500);
			}
		}
		for (const [label, value] of Object.entries(ODD_VALUES)) {
			for (const { path, field, extra } of TARGETS) {
				const headers = { ...origin, accept };
				const form = { ...extra, [field]: value };
				for (const encoding of ['form', 'multipart']) {
					const status = await post(page.request, path, { headers, [encoding]: form });
					const what = `${label} as ${encoding} (${accept}) → ${path}`;
					if (VALIDATED.has(path)) expect(status, what).toBe(400);
					expect(status, what).toBeLessThan(500);
				}
			}
		}
	}

	// None of it ended the session (a broken sign-out used to end it, then fail with a 500).
	expect((await page.request.get('/api/get-session-status')).status()).toBe(200);
	await page.goto('/profile');
	await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();

	const log = app.output().slice(logBefore);
	expect(log).not.toMatch(/^\s+at /m);
	expect(log.split('\n').filter(Boolean).length).toBeLessThanOrEqual(requests);

	// A real sign-out form still signs out.
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL('/signin');
	expect((await page.request.get('/api/get-session-status')).status()).toBe(401);
});
