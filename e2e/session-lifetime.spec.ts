import type { Page } from '@playwright/test';
import { expect, privateAppUrl, test } from './fixtures';
import { connect, signIn } from './support/sign-in';

const linkedProviders = (page: Page) =>
	page.getByRole('list', { name: 'Linked providers' }).getByRole('listitem');

test.describe('sensitive actions need a fresh session', () => {
	// A session is fresh for 10 s after the sign-in at the provider here (24 h by default), and
	// checked against the database at most once a second.
	test.use({
		appOptions: { env: { AUTH_FRESH_AGE_SECONDS: '10', AUTH_SESSION_CHECK_SECONDS: '1' } },
		baseURL: privateAppUrl
	});

	test('a session older than the fresh age signs in again before linking, and comes back', async ({
		newSignedInPage,
		login
	}) => {
		const page = await newSignedInPage({ startAt: '/profile' });
		await expect(page).toHaveURL('/profile');
		await page.waitForTimeout(10_500);

		await page.getByRole('button', { name: 'Connect Google' }).click();
		await expect(page).toHaveURL('/signin?redirectedFrom=%2Fprofile&reauth=1');
		await expect(page.getByRole('heading', { name: 'Confirm it’s you' })).toBeVisible();
		// Only the user's own provider: another one would be a link, not a confirmation.
		await expect(page.getByRole('button', { name: /^Sign in with/ })).toHaveText([
			'Sign in with GitHub'
		]);

		await signIn(page, 'GitHub', login);
		await expect(page).toHaveURL('/profile');
		await expect(linkedProviders(page)).toHaveText(['GitHub']);
		await connect(page, 'Google', login);
		await expect(page).toHaveURL('/profile');
		await expect(linkedProviders(page)).toHaveText(['GitHub', 'Google']);

		// Still one session: signing in again went on with it.
		await page.goto('/account/sessions');
		await expect(
			page.getByRole('list', { name: 'Active sessions' }).getByRole('listitem')
		).toHaveCount(1);
	});

	test('"Sign out everywhere else" from a stale session asks to sign in again first', async ({
		newSignedInPage,
		login
	}) => {
		const other = await newSignedInPage();
		const page = await newSignedInPage({ startAt: '/account/sessions' });
		const sessions = page.getByRole('list', { name: 'Active sessions' }).getByRole('listitem');
		await expect(sessions).toHaveCount(2);
		await page.waitForTimeout(10_500);

		await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
		await expect(page).toHaveURL('/signin?redirectedFrom=%2Faccount%2Fsessions&reauth=1');
		await other.goto('/profile');
		await expect(other).toHaveURL('/profile');

		await signIn(page, 'GitHub', login);
		await expect(page).toHaveURL('/account/sessions');
		await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
		await expect(page.getByRole('status')).toHaveText('Signed out 1 other session.');
		await expect(sessions).toHaveCount(1);
	});

	test('the sessions page shows a session last used from another browser', async ({
		browser,
		newSignedInPage
	}) => {
		const victim = await newSignedInPage();
		// A copy of the victim's cookie, used from another browser; the victim then stays away.
		const copy = await browser.newContext({
			userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'
		});
		await copy.addCookies(await victim.context().cookies());
		await victim.close();
		const thief = await copy.newPage();
		await thief.waitForTimeout(1_100);
		await thief.goto('/profile');
		await expect(thief).toHaveURL('/profile');

		const owner = await newSignedInPage({ startAt: '/account/sessions' });
		const victimSession = owner
			.getByRole('list', { name: 'Active sessions' })
			.getByRole('listitem')
			.filter({ hasNotText: 'This device' });
		await expect(victimSession).toContainText('Chrome on Linux');
		await expect(victimSession).toContainText(/Changed: last used from Firefox on Windows, \S+/);
		const mine = owner.getByRole('listitem').filter({ hasText: 'This device' });
		await expect(mine).not.toContainText('Changed');
		await copy.close();
	});
});

test.describe('an absolute session lifetime', () => {
	// Sessions slide by 4 s on every request (re-issued every time), but end 10 s after the
	// sign-in at the provider.
	test.use({
		appOptions: {
			env: {
				AUTH_SESSION_MAX_AGE: '4',
				AUTH_SESSION_UPDATE_AGE: '0',
				AUTH_SESSION_ABSOLUTE_MAX_AGE: '10'
			}
		},
		baseURL: privateAppUrl
	});

	test('a session used every second still ends at it', async ({ newSignedInPage }) => {
		const page = await newSignedInPage();
		const signedInAt = Date.now();
		const answers: { at: number; status: number }[] = [];
		while (Date.now() - signedInAt < 16_000) {
			const response = await page.request.get('/api/get-session-status');
			answers.push({ at: Date.now() - signedInAt, status: response.status() });
			if (response.status() === 401) break;
			await page.waitForTimeout(1_000);
		}

		// Live well past the 4 s it slides by, then signed out at 10 s from the sign-in (which
		// finished a moment before `signedInAt`).
		expect(answers.filter(({ status }) => status === 200).length).toBeGreaterThanOrEqual(5);
		expect(answers.at(-1)).toMatchObject({ status: 401 });
		expect(answers.at(-1)!.at).toBeGreaterThan(6_000);
		expect(answers.at(-1)!.at).toBeLessThan(12_000);
	});
});
