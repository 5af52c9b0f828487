/** How long the browser trusts its last session-status answer before asking again. */
export const SESSION_STATUS_TTL_MS = 20_000;
