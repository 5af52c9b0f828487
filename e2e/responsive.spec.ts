import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { REMOTE_AVATAR_LOGIN_PREFIX, REMOTE_AVATAR_ORIGIN } from '../idp/accounts.js';
import { waitForHydration } from './support/hydration';
import { appUrl } from './support/ports';
import { displayNameOf, signIn, uniqueLogin } from './support/sign-in';

const WIDTHS = [320, 390, 768, 1280];
/** axe runs at a phone width and a desktop width; the fit check at every width. */
const AXE_WIDTHS = [390, 1280];
const SCHEMES = ['light', 'dark'] as const;
const NOT_FOUND = '/no-such-page';
const SIGNED_OUT_PAGES = ['/', '/signin', NOT_FOUND];
// Signed in, /signin shows only when signing in again.
const SIGNED_IN_PAGES = [
	'/',
	'/signin?reauth=1',
	'/profile',
	'/connections',
	'/account/sessions',
	NOT_FOUND
];
// One word, too long for any phone: it must break, or be cut short, rather than widen the page.
const LONG_NAME = 'Wolfeschlegelsteinhausenbergerdorff'.repeat(2);
/** What the avatar host answers when a test lets the picture load: 64 × 64 px. */
const PICTURE =
	'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="teal"/></svg>';

/** A session's cookies, as `browserContext.storageState()` gives them. */
type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const fitTest = test.extend<object, { longNameSession: StorageState }>({
	/** One user per worker, signed in with a display name too long for any phone. */
	longNameSession: [
		async ({ browser }, use) => {
			const context = await browser.newContext({ baseURL: appUrl });
			const page = await context.newPage();
			await page.goto('/profile');
			await signIn(page, 'GitHub', uniqueLogin('fit'));
			await waitForHydration(page);
			await page.getByLabel('Display name').fill(LONG_NAME);
			await page.getByRole('button', { name: 'Save' }).click();
			await expect(page.getByRole('status')).toHaveText('Saved.');
			const session = await context.storageState();
			await context.close();
			await use(session);
		},
		{ scope: 'worker' }
	]
});

test.describe.configure({ mode: 'parallel' });

async function newPage(
	browser: Browser,
	colorScheme: (typeof SCHEMES)[number],
	storageState?: StorageState
): Promise<Page> {
	const viewport = { width: 1280, height: 800 };
	const context = await browser.newContext({ colorScheme, viewport, storageState });
	return context.newPage();
}

/** The axe-core violations of impact serious or critical on the page, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	return violations
		.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
		.map(({ id, nodes }) => `${id}: ${nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/**
 * Opens `path`, then at each width checks that nothing scrolls sideways and that "Sign out"
 * (when shown) sits on one line inside the screen; at the axe widths, runs axe.
 */
async function checkPage(page: Page, path: string): Promise<void> {
	await page.goto(path);
	for (const width of WIDTHS) {
		await page.setViewportSize({ width, height: 800 });
		const where = `${path} at ${width} px`;
		const fit = await page.evaluate(() => {
			const { scrollWidth, clientWidth } = document.documentElement;
			const signOut = [...document.querySelectorAll('button')].find(
				(button) => button.textContent?.trim() === 'Sign out'
			);
			if (signOut === undefined) return { scrollWidth, clientWidth, lines: 1, inside: true };
			const text = document.createRange();
			text.selectNodeContents(signOut);
			const lineTops = new Set([...text.getClientRects()].map((rect) => Math.round(rect.top)));
			const inside = signOut.getBoundingClientRect().right <= clientWidth;
			return { scrollWidth, clientWidth, lines: lineTops.size, inside };
		});
		expect.soft(fit.scrollWidth, `${where}: page width`).toBeLessThanOrEqual(fit.clientWidth);
		expect.soft(fit.lines, `${where}: lines of "Sign out"`).toBe(1);
		expect.soft(fit.inside, `${where}: "Sign out" on screen`).toBe(true);
		if (AXE_WIDTHS.includes(width)) {
			expect.soft(await seriousViolations(page), `${where}: axe`).toEqual([]);
		}
	}
}

// One test per page, so that each stays short on a busy machine and a failure names its page.
for (const scheme of SCHEMES) {
	for (const path of SIGNED_OUT_PAGES) {
		test(`signed out, ${scheme} scheme: ${path} fits 320–1280 px and passes axe`, async ({
			browser
		}) => {
			const page = await newPage(browser, scheme);
			await checkPage(page, path);
			await page.context().close();
		});
	}

	for (const path of SIGNED_IN_PAGES) {
		fitTest(
			`signed in with a long name, ${scheme} scheme: ${path} fits 320–1280 px and passes axe`,
			async ({ browser, longNameSession }) => {
				const page = await newPage(browser, scheme, longNameSession);
				await checkPage(page, path);
				// The session held: the page showed what a signed-in user sees.
				await expect(page.getByRole('button', { name: 'Sign out' })).toBeAttached();
				await page.context().close();
			}
		);
	}
}

test('on a phone the account links are in a menu that works with the keyboard', async ({
	browser
}) => {
	const page = await newPage(browser, 'light');
	await page.setViewportSize({ width: 390, height: 800 });
	const login = uniqueLogin('keyboard');
	await signIn(page, 'GitHub', login);
	await waitForHydration(page);
	const header = page.getByRole('banner');
	const menu = header.getByText('Menu', { exact: true });
	const sessions = header.getByRole('link', { name: 'Sessions' });
	await expect(menu).toBeVisible();
	await expect(sessions).toBeHidden();
	await expect(header.getByRole('button', { name: 'Sign out' })).toBeVisible();

	// Opening the menu moves nothing on the page.
	const mainTop = async () => (await page.getByRole('main').boundingBox())?.y;
	const before = await mainTop();
	await page.keyboard.press('Tab');
	await page.keyboard.press('Tab');
	await expect(page.locator('summary')).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(sessions).toBeVisible();
	await expect(header.getByRole('link', { name: displayNameOf(login) })).toBeVisible();
	expect(await mainTop()).toBe(before);
	expect(await seriousViolations(page)).toEqual([]);

	await page.keyboard.press('Escape');
	await expect(sessions).toBeHidden();
	await expect(page.locator('summary')).toBeFocused();

	// A link taken from the menu closes it.
	await page.keyboard.press('Enter');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Tab');
	await expect(header.getByRole('link', { name: 'Connections' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL('/connections');
	await expect(header.getByRole('link', { name: 'Connections' })).toBeHidden();

	// "Sign out" is one Tab past the menu.
	await page.locator('summary').focus();
	await page.keyboard.press('Tab');
	await expect(header.getByRole('button', { name: 'Sign out' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL('/signin');
	await page.context().close();
});

test('an avatar that fails to load shows the initials, never a broken image', async ({
	browser
}) => {
	const page = await newPage(browser, 'light');
	const cspViolations: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
	});
	// The local IdP gives this login an https avatar; here every request for it fails.
	let avatarRequests = 0;
	await page.route(`${REMOTE_AVATAR_ORIGIN}/**`, async (route) => {
		avatarRequests++;
		await route.abort('failed');
	});
	const login = uniqueLogin(REMOTE_AVATAR_LOGIN_PREFIX);
	const initials = `R${login.charAt(REMOTE_AVATAR_LOGIN_PREFIX.length + 1).toUpperCase()}`;
	await page.goto('/profile');
	await signIn(page, 'GitHub', login);
	await expect(page).toHaveURL('/profile');

	const avatar = page.getByRole('img', { name: 'Your avatar' });
	const whoLink = page.getByRole('banner').getByRole('link', { name: displayNameOf(login) });
	const brokenImages = () =>
		page.evaluate(
			() => [...document.images].filter((img) => img.complete && img.naturalWidth === 0).length
		);
	// A full page load: the picture may fail before the app has hydrated.
	await expect(avatar).toHaveText(initials);
	await expect(whoLink).toContainText(initials);
	await expect(page.locator('img')).toHaveCount(0);
	expect(avatarRequests).toBeGreaterThan(0);

	// A client-side navigation: the picture fails after the app created it.
	await page.goto('/connections');
	await whoLink.click();
	await expect(page).toHaveURL('/profile');
	await expect(avatar).toHaveText(initials);
	expect(await brokenImages()).toBe(0);

	// On a phone, the menu button shows the initials too.
	await page.setViewportSize({ width: 320, height: 800 });
	await expect(page.getByRole('banner').locator('summary')).toContainText(initials);

	// The same URL, once it loads, shows the picture.
	await page.unroute(`${REMOTE_AVATAR_ORIGIN}/**`);
	await page.route(`${REMOTE_AVATAR_ORIGIN}/**`, (route) =>
		route.fulfill({ contentType: 'image/svg+xml', body: PICTURE })
	);
	await page.reload();
	await expect(avatar.locator('img')).toBeVisible();
	expect(await avatar.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(
		64
	);
	expect(await brokenImages()).toBe(0);
	expect(cspViolations).toEqual([]);
	await page.context().close();
});
