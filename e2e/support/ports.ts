import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The app that Playwright's webServer starts (with the local IdP on the next three ports).
 * `E2E_APP_PORT` moves it, so that two checkouts can run their suites side by side.
 */
export const APP_PORT = Number(process.env.E2E_APP_PORT || 4173);
export const appUrl = `http://127.0.0.1:${APP_PORT}`;

/** The migrated PGlite that the private apps on PGlite copy (made by e2e/global-setup.ts). */
export const PGLITE_TEMPLATE = join(tmpdir(), `latchkey-e2e-pglite-${APP_PORT}`);
