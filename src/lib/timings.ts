/**
 * How long the browser trusts its last word on the session (a status answer, or the session the
 * server rendered) before a guarded navigation asks again.
 */
export const SESSION_STATUS_TTL_MS = 20_000;

/** How close to its end a session must be before the browser offers to extend it. */
export const SESSION_EXPIRY_WARNING_MS = 5 * 60_000;

/** Refresh a provider access token when it expires within this many seconds (env can lower it). */
export const TOKEN_REFRESH_SKEW_SECONDS = 60;

/**
 * A token's refresh window is the smaller of the skew and this share of its issued lifetime: a
 * 10 s token is refreshed in its last 2.5 s, a 1-hour one in its last minute. So a token is never
 * due the moment it is issued, and it takes at most 4/3 refreshes per lifetime, whatever the TTL.
 */
export const TOKEN_REFRESH_WINDOW_FRACTION = 0.25;

/**
 * Each account's token falls due at a point of its own in the first three quarters of its
 * window, from a hash of the account key (the same on every instance). Tokens issued together
 * are then refreshed over the window rather than in one burst, and the last quarter is left for
 * the refresh to end before the token does. An expired token is refreshed at once.
 */
export const TOKEN_REFRESH_SPREAD = 0.75;

/** The longest a call to a provider (discovery, token endpoint, user API) may take. */
export const PROVIDER_TIMEOUT_MS = 5_000;

/**
 * How long a request waits for a refresh of its provider tokens (and a refresh for another
 * instance's). The refresh itself goes on without it, up to its hard limit.
 */
export const REFRESH_REQUEST_WAIT_MS = 5_000;

/**
 * How long a refresh waits for the provider's answer once it sent the refresh token, and how
 * long it keeps retrying to store an answer while the database is down. After it, the token's
 * fate is unknown (or the kept answer is given up).
 */
export const REFRESH_HARD_LIMIT_MS = 60_000;

/**
 * How long a refresh's claim on an account (the lease) lasts from its last renewal. The holder
 * renews it every third of this while it waits for the provider or retries a store, so only a
 * holder that died (or lost the database for this long) loses it; another instance then takes
 * over.
 */
export const REFRESH_LEASE_MS = 10_000;

/**
 * The longest the database driver waits to connect again after a failed connection. postgres.js's
 * own wait grows with each failure, to 10–20 s after an outage of a few seconds: a refresh holding
 * an answer it could not store stayed away from the database that long after it was back, past
 * its lease, and another instance took the lease over and sent a refresh token already spent. With
 * this cap, an outage shorter than the lease, less a renewal and a store retry (about 6 s), costs
 * no takeover.
 */
export const DATABASE_RECONNECT_MAX_MS = 1_000;

/**
 * How long shutdown waits for refreshes under way and kept answers' stores: it fits the unit's
 * TimeoutStopSec (45 s) after adapter-node's SHUTDOWN_TIMEOUT (20 s in deploy/). An answer that
 * comes later is lost as in a crash.
 */
export const REFRESH_SHUTDOWN_WAIT_MS = 20_000;

/**
 * How long a request that failed waits for the database to answer `select 1` before it counts
 * the database as down, and answers 503 rather than 500.
 */
export const DATABASE_PROBE_TIMEOUT_MS = 1_000;

/** The Retry-After of a 503 while the database is down. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** After a provider outage, requests wait this long before an account is tried again. */
export const REFRESH_RETRY_MS = 5_000;

/**
 * How often, at most, a request checks its session against `user_sessions` (env:
 * AUTH_SESSION_CHECK_SECONDS): a revoked session is signed out within this time.
 */
export const SESSION_CHECK_SECONDS = 60;

/** How long a session lasts without a visit (env: AUTH_SESSION_MAX_AGE). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * How long a session lasts from the sign-in at the provider, however active it is (env:
 * AUTH_SESSION_ABSOLUTE_MAX_AGE): a copied cookie that keeps being used still ends then.
 */
export const SESSION_ABSOLUTE_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * How long after the sign-in at the provider a session may take sensitive actions (sign out
 * other sessions, link or unlink a provider, delete the account) before it must sign in again
 * (env: AUTH_FRESH_AGE_SECONDS). Like better-auth's `freshAge` and GitHub's sudo mode.
 */
export const SESSION_FRESH_AGE_SECONDS = 24 * 60 * 60;

/**
 * How old a session cookie gets before a visit re-issues it with a new expiry (env:
 * AUTH_SESSION_UPDATE_AGE). Until then, requests send no Set-Cookie: sliding expiry with at most
 * one cookie write per session per this interval (and one per provider token rotation).
 */
export const SESSION_UPDATE_AGE_SECONDS = 24 * 60 * 60;

/** The sliding window of the sign-in limit (env: AUTH_RATE_LIMIT_WINDOW_SECONDS). */
export const SIGN_IN_RATE_WINDOW_SECONDS = 60;

/** The sliding window of the limit on account actions. */
export const ACCOUNT_ACTION_WINDOW_SECONDS = 60;

/** How long audit events are kept (env: AUTH_AUDIT_RETENTION_DAYS). */
export const AUDIT_RETENTION_DAYS = 90;

/** How often, at most, the cluster prunes the audit log. */
export const AUDIT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** How often, at most, the cluster deletes ended and expired `user_sessions` rows. */
export const SESSION_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** The longest sign-out waits for a provider to confirm it revoked the tokens (best-effort). */
export const PROVIDER_REVOCATION_TIMEOUT_MS = 3_000;

/** How often /connections redraws its token countdowns and "now" markers. */
export const COUNTDOWN_TICK_MS = 1_000;

/** How often, at most, /metrics counts the live sessions in `user_sessions` (one query). */
export const ACTIVE_SESSIONS_COUNT_INTERVAL_MS = 60_000;
