import { encode } from '@auth/core/jwt';
import { decodeProtectedHeader } from 'jose';
import { signInToApp } from '../idp/testkit/app-sign-in.js';
import { TEST_SECRET } from '../idp/testkit/app.js';
import { expect, test as base } from './fixtures';

const NAME = 'authjs.session-token';

const CORPUS_SIZE = 106;

/** `CORPUS_SIZE` broken variations of a real session cookie, each a Cookie header. */
async function mutatedCookies(valid: string): Promise<[string, string][]> {
	const corpus: [string, string][] = [];
	const add = (label: string, value: string) => corpus.push([label, `${NAME}=${value}`]);
	// Note: the last character of a base64url part may carry only padding bits, so flipping its
	// low bit would give the very same bytes: the flips change a high bit, away from part ends.
	const flip = (text: string, at: number) =>
		text.slice(0, at) + (text[at] === 'A' ? 'g' : 'A') + text.slice(at + 1);
	const isPartEnd = (at: number) => at === valid.length - 1 || valid[at + 1] === '.';

	for (let i = 0; i < 35; i++) {
		add(`truncated to ${i}/35`, valid.slice(0, Math.floor((valid.length * i) / 35)));
	}
	const step = Math.floor(valid.length / 40);
	for (let at = 0, flips = 0; flips < 35; at += step) {
		if (valid[at] === '.' || isPartEnd(at)) continue;
		add(`character ${at} flipped`, flip(valid, at));
		flips++;
	}
	const claims = { sub: 'someone', name: 'Mallory' };
	for (const secret of ['wrong-secret', TEST_SECRET.slice(1), `${TEST_SECRET}x`]) {
		add(`wrong key ${secret.length}`, await encode({ token: claims, secret, salt: NAME }));
	}
	add('wrong salt', await encode({ token: claims, secret: TEST_SECRET, salt: `__Secure-${NAME}` }));
	for (const maxAge of [-60, -3600, -86_400 * 31]) {
		add(
			`expired ${maxAge}s`,
			await encode({ token: claims, secret: TEST_SECRET, salt: NAME, maxAge })
		);
	}
	for (const size of [8 * 1024, 9 * 1024, 12 * 1024]) {
		add(`oversized ${size} B`, valid + 'A'.repeat(size - valid.length));
	}
	const half = Math.floor(valid.length / 2);
	const chunks: [string, string][] = [
		['chunk 0 only', `${NAME}.0=${valid.slice(0, half)}`],
		['chunk 1 only', `${NAME}.1=${valid.slice(half)}`],
		['chunks swapped', `${NAME}.0=${valid.slice(half)}; ${NAME}.1=${valid.slice(0, half)}`],
		[
			'a third, bogus chunk',
			`${NAME}.0=${valid.slice(0, half)}; ${NAME}.1=${valid.slice(half)}; ${NAME}.2=AAAA`
		],
		['first chunk twice', `${NAME}.0=${valid.slice(0, half)}; ${NAME}.1=${valid.slice(0, half)}`],
		['chunks and a whole cookie', `${NAME}=${valid.slice(0, 10)}; ${NAME}.0=${valid}`]
	];
	corpus.push(...chunks);
	for (const value of [
		'',
		'.',
		'....',
		'not-a-jwe',
		'!!!###$$$',
		'%E2%98%83%E2%98%83',
		'%ZZ%',
		'a.b.c.d.e',
		'....AAAA',
		valid.replaceAll('.', ''),
		valid.replaceAll('-', '+').replaceAll('_', '/'),
		`${valid}.extra`,
		Buffer.from(valid).toString('base64'),
		encodeURIComponent(JSON.stringify(claims)),
		encodeURIComponent(JSON.stringify({ ...claims, exp: 4102444800 })),
		`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.`,
		`${Buffer.from('{"alg":"dir","enc":"A128GCM"}').toString('base64url')}${valid.slice(valid.indexOf('.'))}`,
		`${Buffer.from('{"alg":"RSA-OAEP","enc":"A256GCM"}').toString('base64url')}${valid.slice(valid.indexOf('.'))}`,
		`${Buffer.from('{"alg":"dir","enc":"A256GCM","zip":"DEF"}').toString('base64url')}${valid.slice(valid.indexOf('.'))}`,
		valid.split('.').reverse().join('.')
	]) {
		add(`malformed ${JSON.stringify(value.slice(0, 24))}`, value);
	}
	return corpus;
}

/**
 * Whether `value` is a session token sealed under a key other than the app's (a secret it does
 * not have, as when another instance has a newer one): signed out, but kept for the instances
 * that may read it.
 */
function namesAnotherKey(value: string, knownKeys: (string | undefined)[]): boolean {
	try {
		const { kid, enc } = decodeProtectedHeader(value);
		return (
			typeof kid === 'string' &&
			!knownKeys.includes(kid) &&
			['A256GCM', 'A256CBC-HS512'].includes(enc!)
		);
	} catch {
		return false;
	}
}

const test = base.extend<{ validCookie: string }>({
	// The value of a real session cookie from the private app, to break.
	validCookie: async ({ privateApp }, use) => {
		await use((await signInToApp(privateApp.url, 'github', 'cookie-corpus')).split('=')[1]!);
	}
});

test.describe('mutated session cookies', () => {
	test(`the corpus holds ${CORPUS_SIZE} cookies`, async ({ validCookie: valid }) => {
		expect(await mutatedCookies(valid)).toHaveLength(CORPUS_SIZE);
	});

	test(`each of ${CORPUS_SIZE} mutated cookies means signed out on 4 routes: no 5xx, ≤ 1 warning, cleared unless under another key`, async ({
		request,
		privateApp: app,
		validCookie: valid
	}) => {
		const corpus = await mutatedCookies(valid);
		const logStart = app.output().length;
		let requests = 0;
		let kept = 0;
		// The app's keys: ours for A256GCM (the valid cookie's) and Auth.js's for A256CBC-HS512.
		const authjsToken = await encode({ token: {}, secret: TEST_SECRET, salt: NAME });
		const knownKeys = [valid, authjsToken].map((token) => decodeProtectedHeader(token).kid);
		for (const [label, cookie] of corpus) {
			const headers = { cookie };
			const status = await request.get(`${app.url}/api/get-session-status`, { headers });
			const home = await request.get(`${app.url}/`, { headers });
			const profile = await request.get(`${app.url}/profile`, { headers, maxRedirects: 0 });
			// A form posted without JavaScript (SvelteKit answers fetches with JSON instead).
			const action = await request.post(`${app.url}/profile?/rename`, {
				headers: { ...headers, origin: app.url, accept: 'text/html' },
				form: { name: 'Mallory' },
				maxRedirects: 0
			});
			requests += 4;

			expect(status.status(), label).toBe(401);
			expect(home.status(), label).toBe(200);
			expect(await home.text(), label).toContain('Sign in to get started');
			expect(profile.status(), label).toBe(303);
			expect(profile.headers().location, label).toBe('/signin?redirectedFrom=%2Fprofile');
			expect(action.status(), label).toBe(303);
			expect(action.headers().location, label).toMatch(/^\/signin\?redirectedFrom=/);
			// A cookie that was sent but is no session is cleared, chunks included; one sealed
			// under another key is kept (no Set-Cookie on any route).
			const setCookies = [status, home, profile, action].map(
				(r) => r.headers()['set-cookie'] ?? ''
			);
			const value = cookie.slice(NAME.length + 1);
			if (cookie.startsWith(`${NAME}=`) && namesAnotherKey(value, knownKeys)) {
				kept += 1;
				for (const set of setCookies) expect(set, label).not.toContain(`${NAME}=`);
				continue;
			}
			for (const [name, value] of cookie.split('; ').map((pair) => pair.split('='))) {
				if (value) expect(setCookies[0], label).toContain(`${name}=;`);
			}
		}

		// The three wrong secrets and the wrong salt, at least.
		expect(kept).toBeGreaterThanOrEqual(4);
		const lines = app.output().slice(logStart).trim().split('\n').filter(Boolean);
		expect(lines.length).toBeLessThanOrEqual(requests);
		for (const line of lines) {
			expect(line).toMatch(
				/^(\[auth\] JWTSessionError: |\[session\] a session cookie is sealed under a secret this instance does not have)/
			);
		}
	});
});
