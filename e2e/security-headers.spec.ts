import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { signIn } from './support/sign-in';

/** Every CSP violation the page reports, from the console and from the DOM event. */
function recordCspViolations(page: Page): string[] {
	const violations: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
	});
	page.on('pageerror', (error) => violations.push(`pageerror: ${error.message}`));
	void page.addInitScript(() =>
		document.addEventListener('securitypolicyviolation', (event) =>
			console.error(`Content Security Policy: ${event.violatedDirective} ${event.blockedURI}`)
		)
	);
	return violations;
}

test('pages carry a nonce-based CSP and the other security headers', async ({ request }) => {
	const response = await request.get('/signin');
	const headers = response.headers();
	const csp = headers['content-security-policy'] ?? '';
	const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';

	expect(scriptSrc).toMatch(/'nonce-[\w+/=]+'/);
	expect(scriptSrc).not.toContain('unsafe-inline');
	expect(scriptSrc).not.toContain('unsafe-eval');
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).toContain("object-src 'none'");
	expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['permissions-policy']).toContain('camera=()');
	// Served over plain http here: HSTS would be ignored, so it is not sent (see the unit test).
	expect(headers['strict-transport-security']).toBeUndefined();
});

test('sign-in, profile, connections and sign-out work under the CSP with no violation', async ({
	page,
	login
}) => {
	const violations = recordCspViolations(page);

	await page.goto('/');
	await signIn(page, 'GitHub', login);
	await page.getByRole('link', { name: 'Open your profile' }).click();
	await expect(page).toHaveURL('/profile');

	await page.getByLabel('Display name').fill('Content Policy');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('status')).toHaveText('Saved.');
	// The avatar (a data: URL from the local IdP) is allowed by img-src and actually loads.
	const avatar = page.getByRole('img', { name: 'Your avatar' }).locator('img');
	await expect(avatar).toBeVisible();
	expect(await avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

	await page.goto('/connections');
	await expect(page.getByRole('heading', { name: 'Connections' })).toBeVisible();
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();

	expect(violations).toEqual([]);
});
