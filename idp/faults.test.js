// @ts-check
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startIdp } from './provider.js';
import { obtainTokens } from './testkit/flows.js';
import { metadata, tokenRequest } from './testkit/oauth.js';

const APP = 'http://127.0.0.1:5173';

/** @type {import('./provider.js').Idp} */
let idp;
/** @type {{ google: string, github: string, oidc: string }} */
let tokenEndpoints;

beforeAll(async () => {
	idp = await startIdp({ appOrigins: [APP], googlePort: 0, githubPort: 0 });
	tokenEndpoints = {
		google: String((await metadata(idp.google.issuer)).token_endpoint),
		github: `${idp.github.baseUrl}/login/oauth/access_token`,
		oidc: String((await metadata(idp.oidc.issuer)).token_endpoint)
	};
});
afterEach(() => idp.faults.reset());
afterAll(() => idp?.close());

/**
 * @param {import('./faults.js').ProviderName} provider
 * @param {string} refreshToken
 */
function refresh(provider, refreshToken) {
	return tokenRequest(tokenEndpoints[provider], idp[provider], {
		grant_type: 'refresh_token',
		refresh_token: refreshToken
	});
}

describe('fault knobs', () => {
	it('are all off at start', () => {
		const off = {
			latencyMs: 0,
			answerDelayMs: 0,
			outage: false,
			keepRefreshToken: false,
			accessTokenTtlByLogin: {},
			strictBasicAuth: false
		};
		expect(idp.faults.get()).toEqual({ google: off, github: off, oidc: off });
	});

	it('latency delays the token endpoint of that instance only', async () => {
		const { refresh_token } = await obtainTokens(idp, 'github', 'lat-github', APP);
		const { refresh_token: other } = await obtainTokens(idp, 'google', 'lat-google', APP);
		idp.faults.set({ github: { latencyMs: 400 } });

		let started = performance.now();
		expect((await refresh('github', refresh_token)).status).toBe(200);
		expect(performance.now() - started).toBeGreaterThanOrEqual(400);

		started = performance.now();
		expect((await refresh('google', other)).status).toBe(200);
		expect(performance.now() - started).toBeLessThan(400);
	});

	it('latency holds a request before the provider reads it: a client that hangs up meanwhile has not spent its refresh token', async () => {
		const { refresh_token } = await obtainTokens(idp, 'github', 'hung-up', APP);
		/** @type {import('./provider.js').TokenEndpointEvent[]} */
		const events = [];
		const stop = idp.onTokenEndpoint((event) => events.push(event));
		idp.faults.set({ github: { latencyMs: 400 } });

		const request = tokenRequest(
			tokenEndpoints.github,
			idp.github,
			{ grant_type: 'refresh_token', refresh_token },
			AbortSignal.timeout(100)
		);
		await expect(request).rejects.toThrow();
		await new Promise((done) => setTimeout(done, 600));
		expect(events).toEqual([]);

		idp.faults.reset();
		const later = await refresh('github', refresh_token);
		stop();
		expect(later.status).toBe(200);
		expect(events.map(({ ok }) => ok)).toEqual([true]);
	});

	it('a late answer uses the grant at once: a client that gave up has spent its refresh token', async () => {
		const { refresh_token } = await obtainTokens(idp, 'github', 'late-answer', APP);
		/** @type {import('./provider.js').TokenEndpointEvent[]} */
		const events = [];
		const stop = idp.onTokenEndpoint((event) => events.push(event));
		idp.faults.set({ github: { answerDelayMs: 600 } });

		const started = performance.now();
		const answer = refresh('github', refresh_token);
		await new Promise((done) => setTimeout(done, 300));
		// Used already, though its answer is still on its way.
		expect(events.map(({ ok }) => ok)).toEqual([true]);
		const late = await answer;
		expect(performance.now() - started).toBeGreaterThanOrEqual(600);
		expect(late.status).toBe(200);
		expect(late.body.refresh_token).toBeTruthy();

		// Sending the spent token again is reuse: the whole grant is revoked, the late answer's too.
		idp.faults.reset();
		expect((await refresh('github', refresh_token)).body.error).toBe('invalid_grant');
		expect((await refresh('github', late.body.refresh_token)).body.error).toBe('invalid_grant');
		stop();
	});

	it('an outage answers 503 and reports it, then the same refresh token works again', async () => {
		const { refresh_token } = await obtainTokens(idp, 'google', 'outage', APP);
		/** @type {import('./provider.js').TokenEndpointEvent[]} */
		const events = [];
		const stop = idp.onTokenEndpoint((event) => events.push(event));
		idp.faults.set({ google: { outage: true } });

		const down = await refresh('google', refresh_token);
		expect(down.status).toBe(503);
		expect(down.body.error).toBe('temporarily_unavailable');

		idp.faults.set({ google: { outage: false } });
		const up = await refresh('google', refresh_token);
		stop();
		expect(up.status).toBe(200);
		expect(up.body.refresh_token).toBeTruthy();
		// The outage turns the request away before it is read as a grant, so no login is known.
		expect(
			events.map(({ grantType, login, ok, error }) => ({ grantType, login, ok, error }))
		).toEqual([
			{ grantType: 'refresh_token', login: undefined, ok: false, error: 'temporarily_unavailable' },
			{ grantType: 'refresh_token', login: 'outage', ok: true, error: undefined }
		]);
	});

	it.each(/** @type {const} */ (['google', 'github', 'oidc']))(
		'the Google-like mode on %s keeps the refresh token: no new one, reusable 3 times',
		async (provider) => {
			idp.faults.set({ [provider]: { keepRefreshToken: true } });
			const tokens = await obtainTokens(idp, provider, `keep-${provider}`, APP);
			// The code exchange still hands out the one refresh token, as Google does.
			expect(tokens.refresh_token).toBeTruthy();
			/** @type {Record<string, unknown>[]} */
			const reported = [];
			const stop = idp.onTokenEndpoint((event) => event.ok && reported.push(event.body));

			const accessTokens = new Set([tokens.access_token]);
			for (let i = 0; i < 3; i++) {
				const { status, body } = await refresh(provider, tokens.refresh_token);
				expect(status).toBe(200);
				expect(body).not.toHaveProperty('refresh_token');
				accessTokens.add(body.access_token);
			}
			stop();
			expect(accessTokens.size).toBe(4);
			expect(reported).toHaveLength(3);
			for (const body of reported) expect(body).not.toHaveProperty('refresh_token');
		}
	);

	it('turned off again, refresh tokens rotate as before', async () => {
		idp.faults.set({ google: { keepRefreshToken: true } });
		const { refresh_token } = await obtainTokens(idp, 'google', 'keep-then-rotate', APP);
		expect((await refresh('google', refresh_token)).body).not.toHaveProperty('refresh_token');
		idp.faults.reset();
		const rotated = await refresh('google', refresh_token);
		expect(rotated.body.refresh_token).toBeTruthy();
		expect(rotated.body.refresh_token).not.toBe(refresh_token);
		expect((await refresh('google', refresh_token)).body.error).toBe('invalid_grant');
	});

	it('a per-login access-token lifetime applies to that login only, on sign-in and refresh', async () => {
		idp.faults.set({ github: { accessTokenTtlByLogin: { 'Short.Lived': 7 } } });
		const short = await obtainTokens(idp, 'github', 'short.lived', APP);
		const other = await obtainTokens(idp, 'github', 'long-lived', APP);
		expect(short.expires_in).toBe(7);
		expect(other.expires_in).toBe(300);
		expect((await refresh('github', short.refresh_token)).body.expires_in).toBe(7);
		expect((await refresh('github', other.refresh_token)).body.expires_in).toBe(300);
		// Set on GitHub only: the same login on Google gets the default.
		expect((await obtainTokens(idp, 'google', 'short.lived', APP)).expires_in).toBe(300);
	});

	it('an outage and a per-login lifetime work on the OIDC issuer as on the others', async () => {
		idp.faults.set({ oidc: { accessTokenTtlByLogin: { brief: 5 } } });
		const { refresh_token, expires_in } = await obtainTokens(idp, 'oidc', 'brief', APP);
		expect(expires_in).toBe(5);

		idp.faults.set({ oidc: { outage: true } });
		expect((await refresh('oidc', refresh_token)).status).toBe(503);
		idp.faults.set({ oidc: { outage: false } });
		const up = await refresh('oidc', refresh_token);
		expect(up.status).toBe(200);
		expect(up.body.expires_in).toBe(5);
	});

	it('strictBasicAuth compares Basic credentials as sent, on the token and revocation endpoints', async () => {
		const secret = 'dash-and+plus';
		const strict = await startIdp({
			appOrigins: [APP],
			googlePort: 0,
			githubPort: 0,
			clientSecrets: { oidc: secret }
		});
		try {
			const { token_endpoint, revocation_endpoint } = await metadata(strict.oidc.issuer);
			const { clientId } = strict.oidc;
			/** @param {string} endpoint @param {string} password @param {Record<string, string>} params */
			const basic = (endpoint, password, params) =>
				fetch(endpoint, {
					method: 'POST',
					headers: { authorization: `Basic ${btoa(`${clientId}:${password}`)}` },
					body: new URLSearchParams(params)
				});
			const { refresh_token } = await obtainTokens(strict, 'oidc', 'strict', APP);
			const grant = { grant_type: 'refresh_token', refresh_token };
			const formEncoded = 'dash-and%2Bplus';

			// Standard: RFC 6749's form-encoded password is decoded (and `+` would be a space).
			expect((await basic(token_endpoint, secret, grant)).status).toBe(401);
			strict.faults.set({ oidc: { strictBasicAuth: true } });
			const refused = await basic(token_endpoint, formEncoded, grant);
			expect(refused.status).toBe(401);
			expect(await refused.json()).toMatchObject({ error: 'invalid_client' });
			expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /);
			expect((await basic(revocation_endpoint, formEncoded, { token: refresh_token })).status).toBe(
				401
			);

			const rotated = await basic(token_endpoint, secret, grant);
			expect(rotated.status).toBe(200);
			const { refresh_token: next } = await rotated.json();
			// The form body is not Basic: it works with either setting.
			const viaBody = await tokenRequest(token_endpoint, strict.oidc, {
				grant_type: 'refresh_token',
				refresh_token: next
			});
			expect(viaBody.status).toBe(200);
			expect((await basic(revocation_endpoint, secret, { token: next })).status).toBe(200);
		} finally {
			await strict.close();
		}
	});

	it('refuses an unknown instance name', () => {
		expect(() => idp.faults.set(/** @type {any} */ ({ gitlab: { outage: true } }))).toThrow(
			/gitlab/
		);
	});
});
