import { signInToApp } from '../idp/testkit/app-sign-in.js';
import type { TestApp } from '../idp/testkit/app.js';
import { expect, test } from './fixtures';
import { appUrl } from './support/ports';
import { uniqueLogin } from './support/sign-in';

/** What the app says of the session `cookie` carries. */
async function sessionStatus(base: string, cookie: string) {
	const response = await fetch(`${base}/api/get-session-status`, { headers: { cookie } });
	return (await response.json()) as { status: number; userId?: string };
}

/** A same-origin form POST, as a browser holding `cookie` sends it. */
function postForm(base: string, path: string, cookie: string, form: Record<string, string> = {}) {
	return fetch(`${base}${path}`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			cookie,
			origin: base,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: new URLSearchParams(form)
	});
}

/** The pairs of Cookie header `cookies` that `sent` did not hold as they are. */
function cookiesSetBesides(cookies: string, sent: string): string {
	const before = new Set(sent.split(/;\s*/));
	return cookies
		.split(/;\s*/)
		.filter((pair) => !before.has(pair))
		.join('; ');
}

test.describe('a revoked session cannot link a provider', () => {
	// Sessions are checked against the database at most once a second here (60 s by default).
	test.use({ appOptions: { env: { AUTH_SESSION_CHECK_SECONDS: '1' } } });

	/**
	 * The attacker keeps sending the victim's revoked cookie and signs in with Google as
	 * themselves: that must be a plain sign-in into the attacker's own account, and leave the
	 * victim with GitHub as their only provider.
	 */
	async function expectNoBackdoor(
		app: TestApp,
		stolen: string,
		victimId: string,
		victimLogin: string
	) {
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect((await sessionStatus(app.url, stolen)).status).toBe(401);

		const attacker = uniqueLogin('attacker');
		const signedIn = await signInToApp(app.url, 'google', attacker, { cookie: stolen });
		// Note: the browser still holds the stolen cookie as the attacker sent it; the new session
		// is the one the callback set.
		const planted = await sessionStatus(app.url, cookiesSetBesides(signedIn, stolen));
		expect(planted.status).toBe(200);
		expect(planted.userId).not.toBe(victimId);

		const fresh = await sessionStatus(app.url, await signInToApp(app.url, 'google', attacker));
		expect(fresh.userId).toBe(planted.userId);

		const victim = await signInToApp(app.url, 'github', victimLogin);
		expect((await sessionStatus(app.url, victim)).userId).toBe(victimId);
		const profile = await fetch(`${app.url}/profile`, { headers: { cookie: victim } });
		expect(await profile.text()).toContain('Connect Google');
	}

	test('after the victim signs out, their copied cookie cannot link the attacker’s Google', async ({
		privateApp: app
	}) => {
		const login = uniqueLogin('victim');
		const stolen = await signInToApp(app.url, 'github', login);
		const { userId } = await sessionStatus(app.url, stolen);
		expect((await postForm(app.url, '/signout', stolen)).status).toBe(302);

		await expectNoBackdoor(app, stolen, userId!, login);
	});

	test('a copied cookie sent under a longer name (which Auth.js reads as the session) cannot link', async ({
		privateApp: app
	}) => {
		const login = uniqueLogin('victim-renamed');
		const stolen = await signInToApp(app.url, 'github', login);
		const { userId } = await sessionStatus(app.url, stolen);
		expect((await postForm(app.url, '/signout', stolen)).status).toBe(302);
		const renamed = stolen.replace(/^authjs\.session-token=/, 'authjs.session-tokenX=');
		expect(renamed).not.toBe(stolen);

		await expectNoBackdoor(app, renamed, userId!, login);
	});

	test('after "sign out everywhere else" from a second browser, the copied cookie cannot link', async ({
		privateApp: app
	}) => {
		const login = uniqueLogin('victim-elsewhere');
		const stolen = await signInToApp(app.url, 'github', login);
		const { userId } = await sessionStatus(app.url, stolen);
		const second = await signInToApp(app.url, 'github', login);
		const ended = await postForm(app.url, '/account/sessions?/revokeOthers', second);
		expect(ended.status).toBe(200);

		await expectNoBackdoor(app, stolen, userId!, login);
	});

	test('Auth.js’s own POST /auth/signout ends the session, and its sign-out page is not served', async ({
		privateApp: app,
		login
	}) => {
		const cookie = await signInToApp(app.url, 'github', login);
		const copy = cookie;
		const signedOut = await postForm(app.url, '/auth/signout', cookie, { callbackUrl: '/' });
		expect(signedOut.status).toBe(302);
		expect(signedOut.headers.getSetCookie().join('\n')).toContain('authjs.session-token=;');

		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect(await sessionStatus(app.url, copy)).toEqual({ status: 401 });
		expect((await fetch(`${app.url}/auth/signout`)).status).toBe(404);
		expect((await fetch(`${app.url}/auth/verify-request`)).status).toBe(404);
	});
});

test('a revoked cookie changes nothing, even before the once-a-minute check', async ({ login }) => {
	// The shared app checks sessions once a minute: reads may still trust this cookie a while.
	const stolen = await signInToApp(appUrl, 'github', login);
	expect((await postForm(appUrl, '/signout', stolen)).status).toBe(302);

	const extend = await fetch(`${appUrl}/api/extend-session`, {
		method: 'POST',
		headers: { cookie: stolen, origin: appUrl }
	});
	expect(extend.status).toBe(401);
	expect((await postForm(appUrl, '/profile?/rename', stolen, { name: 'Mallory' })).status).toBe(
		401
	);
	const refresh = await postForm(appUrl, '/connections?/refresh', stolen, { provider: 'github' });
	expect(refresh.status).toBe(401);
	const revokeOthers = await postForm(appUrl, '/account/sessions?/revokeOthers', stolen);
	expect(revokeOthers.status).toBe(401);
});
