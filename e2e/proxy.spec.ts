import { expect, test } from './fixtures';

// adapter-node behind a TLS-terminating proxy: no ORIGIN, the URL comes from forwarded headers.
test.use({
	appOptions: {
		env: {
			ORIGIN: undefined,
			PROTOCOL_HEADER: 'x-forwarded-proto',
			HOST_HEADER: 'x-forwarded-host',
			AUTH_TRUST_HOST: 'true'
		}
	}
});
const forwarded = {
	'x-forwarded-proto': 'https',
	'x-forwarded-host': 'latchkey.example',
	origin: 'https://latchkey.example'
};

test('behind a proxy, Auth.js uses the public https URL and __Secure- cookies', async ({
	request,
	privateApp: app
}) => {
	const status = await request.get(`${app.url}/api/get-session-status`, { headers: forwarded });
	expect(status.status()).toBe(401);

	const signIn = await request.post(`${app.url}/signin`, {
		headers: { ...forwarded, accept: 'text/html' },
		form: { providerId: 'github', redirectTo: '/profile' },
		maxRedirects: 0
	});
	expect([302, 303]).toContain(signIn.status());
	const location = new URL(signIn.headers().location ?? '');
	expect(location.origin + location.pathname).toBe(
		`${app.idp.github.baseUrl}/login/oauth/authorize`
	);
	expect(location.searchParams.get('redirect_uri')).toBe(
		'https://latchkey.example/auth/callback/github'
	);

	const cookies = signIn.headersArray().filter(({ name }) => name.toLowerCase() === 'set-cookie');
	expect(cookies.length).toBeGreaterThan(0);
	for (const { value } of cookies) {
		expect(value).toMatch(/^__Secure-authjs\./);
		expect(value).toMatch(/; Secure/i);
		expect(value).toMatch(/; HttpOnly/i);
		expect(value).toMatch(/; SameSite=Lax/i);
		expect(value).toMatch(/; Path=\//i);
	}
});
