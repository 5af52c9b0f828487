import type { Page } from '@playwright/test';
import { revokeToken } from '../idp/testkit/flows.js';
import { expect, privateAppUrl, test } from './fixtures';

// Access tokens live 30 s at this IdP: short enough for a countdown in seconds, long enough that
// no automatic refresh (1 s before expiry here) adds a rotation while the test runs.
const TTL_SECONDS = 30;
const env = { AUTH_REFRESH_SKEW_SECONDS: '1' };

async function expiresAt(page: Page, provider: string): Promise<number> {
	const time = page.getByTestId(`${provider}-expires`).locator('time');
	return Date.parse((await time.getAttribute('datetime')) ?? '');
}

/**
 * Waits until the second in which the app received the current token is over. The app stores
 * expiries as whole seconds (receipt second + TTL, by the clock this test shares with it), so a
 * refresh from then on must show a later expiry.
 */
async function waitPastIssuingSecond(expiresAtMs: number): Promise<void> {
	const issuingSecondEnds = expiresAtMs - TTL_SECONDS * 1000 + 1000;
	await new Promise((resolve) => setTimeout(resolve, Math.max(0, issuingSecondEnds - Date.now())));
}

test.describe('token timeline', () => {
	test.use({ appOptions: { accessTokenTtl: TTL_SECONDS, env }, baseURL: privateAppUrl });
	let refreshes = 0;
	let lastRefreshToken = '';

	test.beforeEach(({ privateApp }) => {
		privateApp.idp.onTokenEndpoint((event) => {
			if (event.grantType === 'refresh_token' && event.ok) refreshes++;
			if (event.ok && typeof event.body.refresh_token === 'string') {
				lastRefreshToken = event.body.refresh_token;
			}
		});
	});

	test("'Refresh now' rotates the token: a new expiry and one more rotation mark each time", async ({
		newSignedInPage
	}) => {
		const page = await newSignedInPage({ startAt: '/connections' });

		const github = page.getByRole('region', { name: 'GitHub' });
		const timeline = github.getByRole('img', { name: /^GitHub access token, issued/ });
		const marks = timeline.getByTestId('rotation-mark');
		const countdown = github.getByTestId('github-countdown');
		await expect(timeline).toBeVisible();
		await expect(marks).toHaveCount(0);
		await expect(countdown).toHaveText(/^Expires in \d+ s$/);
		refreshes = 0;

		for (const rotations of [1, 2]) {
			const before = await expiresAt(page, 'github');
			await waitPastIssuingSecond(before);
			await github.getByRole('button', { name: 'Refresh now' }).click();

			await expect(marks).toHaveCount(rotations);
			expect(await expiresAt(page, 'github')).toBeGreaterThan(before);
			await expect(github.getByRole('status')).toHaveText(/^The access token now expires /);
			await expect(timeline).toHaveAccessibleName(new RegExp(`, ${rotations} rotations? shown$`));
		}
		// Each click reached the provider once; nothing else rotated meanwhile.
		expect(refreshes).toBe(2);

		await page.goto('/account/sessions');
		const rotations = page.getByRole('list', { name: 'Token rotations' });
		await expect(rotations.getByText('Provider token rotated (GitHub)')).toHaveCount(2);
		const activity = page.getByRole('list', { name: 'Recent activity' });
		await expect(activity.getByText('Provider token rotated (GitHub)')).toHaveCount(0);
	});

	test("'Refresh now' after the grant was revoked says to sign in again, never a 500", async ({
		newSignedInPage,
		privateApp
	}) => {
		const page = await newSignedInPage({ startAt: '/connections' });
		await revokeToken(privateApp.idp, 'github', lastRefreshToken);

		const github = page.getByRole('region', { name: 'GitHub' });
		const response = page.waitForResponse((r) => r.url().includes('/connections?/refresh'));
		await github.getByRole('button', { name: 'Refresh now' }).click();

		expect((await response).status()).toBe(200);
		await expect(github.getByRole('alert')).toHaveText(
			'GitHub refused to refresh the token. Sign in again to reconnect.'
		);
		await expect(github.getByRole('img', { name: /^GitHub access token/ })).toBeVisible();
	});
});
