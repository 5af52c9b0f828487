/** How long the browser trusts its last session-status answer before asking again. */
export const SESSION_STATUS_TTL_MS = 20_000;

/** Refresh a provider access token when it expires within this many seconds (env can lower it). */
export const TOKEN_REFRESH_SKEW_SECONDS = 60;

/** The longest a call to a provider (discovery, token endpoint, user API) may take. */
export const PROVIDER_TIMEOUT_MS = 5_000;
