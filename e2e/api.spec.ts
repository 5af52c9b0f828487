import { expect, test } from './fixtures';
import { appUrl } from './support/ports';

test('session status is 401 JSON with no-store when signed out', async ({ request }) => {
	const response = await request.get('/api/get-session-status');
	expect(response.status()).toBe(401);
	expect(response.headers()['cache-control']).toBe('no-store');
	expect(await response.json()).toEqual({ status: 401 });
});

test('session status is 200 JSON when signed in', async ({ signedInPage: page }) => {
	const response = await page.request.get('/api/get-session-status');
	expect(response.status()).toBe(200);
	expect(response.headers()['cache-control']).toBe('no-store');
	const body = await response.json();
	expect(body).toEqual({ status: 200, userId: expect.any(String), expires: expect.any(String) });
	expect(Date.parse(body.expires)).toBeGreaterThan(Date.now());
});

test('a bad session cookie means signed out, never a 500', async ({ request }) => {
	const headers = { cookie: 'authjs.session-token=not-a-jwe' };
	const status = await request.get('/api/get-session-status', { headers });
	expect(status.status()).toBe(401);
	expect(status.headers()['set-cookie']).toContain('authjs.session-token=;');

	const profile = await request.get('/profile', { headers, maxRedirects: 0 });
	expect(profile.status()).toBe(303);
	expect(profile.headers().location).toBe('/signin?redirectedFrom=%2Fprofile');

	const home = await request.get('/', { headers });
	expect(home.status()).toBe(200);
});

test('a signed-out visitor is redirected from a protected page and its data', async ({
	request
}) => {
	const page = await request.get('/profile', { maxRedirects: 0 });
	expect(page.status()).toBe(303);
	expect(page.headers().location).toBe('/signin?redirectedFrom=%2Fprofile');

	const data = await request.get('/profile/__data.json');
	expect(await data.json()).toMatchObject({
		type: 'redirect',
		location: '/signin?redirectedFrom=%2Fprofile'
	});

	const action = await request.post('/profile?/rename', {
		form: { name: 'Mallory' },
		headers: { origin: appUrl, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(action.status()).toBe(303);
});

test('cross-site POSTs to profile edit, sign-out and session extension (20 cases) get 403 and change nothing', async ({
	signedInPage: page
}) => {
	await page.goto('/profile');
	const name = await page.getByTestId('profile-name').textContent();

	// SvelteKit refuses form posts whose Origin is not the app's (there are no CSRF tokens to
	// forge: @auth/sveltekit leaves /auth/* to the same check, so a wrong csrfToken changes nothing).
	const origins: Record<string, string | undefined> = {
		'another site': 'https://evil.example',
		'another port': 'http://127.0.0.1:9999',
		'opaque origin': 'null',
		'no Origin': undefined,
		'https twin': 'https://127.0.0.1:4173'
	};
	const targets: { path: string; form: Record<string, string> }[] = [
		{ path: '/profile?/rename', form: { name: 'Mallory' } },
		{ path: '/signout', form: {} },
		{ path: '/auth/signout', form: { csrfToken: 'forged' } },
		{ path: '/api/extend-session', form: {} }
	];
	for (const [label, origin] of Object.entries(origins)) {
		for (const { path, form } of targets) {
			const headers: Record<string, string> = origin === undefined ? {} : { origin };
			const response = await page.request.post(path, { form, headers, maxRedirects: 0 });
			expect(response.status(), `${label} → ${path}`).toBe(403);
		}
	}

	// Nothing changed: the name is re-read from the database, and the session still works.
	await page.reload();
	await expect(page.getByTestId('profile-name')).toHaveText(name ?? '');
	expect((await page.request.get('/api/get-session-status')).status()).toBe(200);
});
