import { decode } from '@auth/core/jwt';
import { TEST_SECRET } from '../idp/testkit/app.js';
import { expect, privateAppUrl, test } from './fixtures';
import { signIn, uniqueLogin } from './support/sign-in';

test.use({ baseURL: privateAppUrl });

test('no response body or cookie sent to the browser holds a provider token', async ({
	page,
	context,
	privateApp: app
}) => {
	const issuedTokens: string[] = [];
	app.idp.onTokenEndpoint((event) => {
		if (!event.ok) return;
		for (const field of ['access_token', 'refresh_token', 'id_token']) {
			const value = event.body[field];
			if (typeof value === 'string') issuedTokens.push(value);
		}
	});
	const bodies: string[] = [];
	page.on('response', async (response) => {
		if (new URL(response.url()).origin !== app.url) return;
		const body = await response.text().catch(() => '');
		bodies.push(body);
	});

	for (const provider of ['GitHub', 'Google', 'Single sign-on'] as const) {
		await page.goto('/profile');
		await signIn(page, provider, uniqueLogin('leak'));
		await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
		// A client navigation too, so __data.json responses are checked as well as HTML.
		await page.getByRole('link', { name: 'Latchkey' }).click();
		await page.getByRole('link', { name: 'Open your profile' }).click();
		await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
		bodies.push(await (await page.request.get('/auth/session')).text());

		const cookie = (await context.cookies()).find(({ name }) => name === 'authjs.session-token');
		const claims = await decode({
			token: cookie?.value,
			secret: TEST_SECRET,
			salt: 'authjs.session-token'
		});
		expect(Object.keys(claims ?? {}).sort()).toEqual(
			[
				'accounts',
				'authAt',
				'email',
				'exp',
				'iat',
				'jti',
				'name',
				'picture',
				'sid',
				'sidCheckedAt',
				'sub'
			].sort()
		);
		bodies.push(JSON.stringify(claims));

		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page).toHaveURL('/signin');
	}

	// Three sign-ins: an access and a refresh token each, and the OIDC issuers' id_tokens.
	expect(issuedTokens.length).toBeGreaterThanOrEqual(8);
	expect(bodies.some((body) => body.includes('/data:') || body.includes('"type":"data"'))).toBe(
		true
	);
	for (const token of issuedTokens) {
		const leaks = bodies.filter((body) => body.includes(token));
		expect(leaks, 'a provider token reached the browser').toEqual([]);
	}
});

test("GET /auth/session sends the page-safe session: neither the session's row id nor its sign-in time", async ({
	signedInPage: page
}) => {
	const session = await (await page.request.get('/auth/session')).json();
	expect(Object.keys(session).sort()).toEqual(['expires', 'providers', 'user']);
	expect(Object.keys(session.user).sort()).toEqual(['email', 'id', 'image', 'name']);
	// The server still knows the row: this session is marked on the sessions page and can end.
	await page.goto('/account/sessions');
	await expect(page.getByText('This device')).toBeVisible();
});
