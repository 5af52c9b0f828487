import { expect, test } from './fixtures';
import { appUrl } from './support/ports';

test('signed-in pages, their data and action results are private, no-store; immutable assets stay cacheable', async ({
	signedInPage: page
}) => {
	for (const path of ['/', '/profile', '/connections', '/account/sessions']) {
		for (const url of [path, `${path === '/' ? '' : path}/__data.json`]) {
			const response = await page.request.get(url, { maxRedirects: 0 });
			expect(response.status(), url).toBe(200);
			expect(response.headers()['cache-control'], url).toBe('private, no-store');
		}
	}
	for (const accept of ['application/json', 'text/html']) {
		const saved = await page.request.post('/profile?/rename', {
			form: { name: 'Cache Control' },
			headers: { origin: appUrl, accept }
		});
		expect(saved.status(), accept).toBe(200);
		expect(saved.headers()['cache-control'], accept).toBe('private, no-store');
	}

	// Note: adapter-node serves /_app/immutable/* itself, before the hooks run.
	const html = await (await page.request.get('/')).text();
	const asset = /\/_app\/immutable\/[\w./-]+\.js/.exec(html)?.[0];
	expect(asset).toBeDefined();
	const cached = await page.request.get(asset!);
	expect(cached.status()).toBe(200);
	expect(cached.headers()['cache-control']).toBe('public,max-age=31536000,immutable');
});
