import type { Idp } from '../idp/provider.js';
import { expect, privateAppUrl, test } from './fixtures';
import { signIn } from './support/sign-in';

// The private app's OIDC issuer compares HTTP Basic credentials without form-decoding them, as
// LemonLDAP::NG 2.16 does (`strictBasicAuth`), and its access tokens live 5 s: sign-in (Auth.js's
// code exchange) and the app's own refresh both authenticate the client there within one test.
const TTL_SECONDS = 5;

type TokenEvent = Parameters<Parameters<Idp['onTokenEndpoint']>[0]>[0];

const CASES = [
	// Sign-in itself failed with these before (`+ / =`): the default sends the form body.
	{ secret: 'latchkey-secret+/=0123', env: {}, method: 'client_secret_post' },
	{ secret: '100% sure ~ yes', env: {}, method: 'client_secret_post' },
	// The first refresh failed with this one (`-`): over Basic, both sides encode it alike.
	{
		secret: 'latchkey-secret_0.1~2',
		env: { AUTH_OIDC_CLIENT_AUTH: 'client_secret_basic' },
		method: 'client_secret_basic'
	}
];

for (const { secret, env, method } of CASES) {
	test.describe(`the client secret ${JSON.stringify(secret)} with ${method}`, () => {
		test.use({
			appOptions: { accessTokenTtl: TTL_SECONDS, clientSecrets: { oidc: secret }, env },
			baseURL: privateAppUrl
		});

		test('signs in with the OIDC provider and rotates its token at a strict provider', async ({
			page,
			login,
			privateApp
		}) => {
			privateApp.idp.faults.set({ oidc: { strictBasicAuth: true } });
			const grants: TokenEvent[] = [];
			privateApp.idp.onTokenEndpoint((event) => grants.push(event));
			await signIn(page, 'Single sign-on', login);
			await expect(page).toHaveURL('/');
			expect(grants.map(({ grantType, ok }) => ({ grantType, ok }))).toEqual([
				{ grantType: 'authorization_code', ok: true }
			]);

			// Used through the token's expiry: the app renews it in its last quarter.
			const statuses: number[] = [];
			const deadline = Date.now() + 3 * TTL_SECONDS * 1000;
			while (grants.length < 2 && Date.now() < deadline) {
				statuses.push((await page.request.get('/api/get-session-status')).status());
				await page.waitForTimeout(200);
			}
			expect(grants.map(({ grantType, ok }) => ({ grantType, ok }))).toEqual([
				{ grantType: 'authorization_code', ok: true },
				{ grantType: 'refresh_token', ok: true }
			]);
			expect(statuses).toEqual(statuses.map(() => 200));
			await page.goto('/connections');
			const card = page.getByRole('region', { name: 'Single sign-on' });
			await expect(card.getByTestId('oidc-rotated').locator('time')).toBeVisible();
		});
	});
}
