/** The app that Playwright's webServer starts (with the local IdP on the next two ports). */
export const APP_PORT = 4173;
export const appUrl = `http://127.0.0.1:${APP_PORT}`;
