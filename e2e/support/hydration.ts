import type { Page } from '@playwright/test';

/**
 * Waits until the app runs in `page` (SvelteKit has hydrated it). Before that, a click on a link
 * is a full page load that no client code sees, and the tab does not yet listen to the others.
 * Note: hydration follows the last script download, long before the network is idle for 500 ms.
 */
export async function waitForHydration(page: Page): Promise<void> {
	await page.waitForLoadState('networkidle');
}
