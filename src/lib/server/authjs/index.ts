/**
 * Everything the app asks of Auth.js, in one place: the rest of the app imports this module only
 * (lint checks it). The modules beside it copy or wrap parts of Auth.js that it does not export:
 * its cookie names and chunk rule (`session-cookie.ts`), its key derivation (`session-keys.ts`),
 * the cookie re-issue through its session endpoint (`cookies.ts`), the request it must not see
 * (`sanitize-auth-requests.ts`), and the request its callbacks are not given (`callbacks.ts`).
 * Note: written against @auth/core 0.41.3 and @auth/sveltekit 1.11.3;
 * `authjs-contract.test.ts` and `codec.test.ts` fail when an upgrade changes what they copy.
 */
export { createAdapter, refuseLinksWithoutLiveSession } from './adapter';
export { callbacks, events, isLiveSessionOf } from './callbacks';
export { createSessionCodec, type SessionPolicy } from './codec';
export { reissueSessionCookie } from './cookies';
export { authLogger } from './logger';
export { memoizeSession } from './memoize-session';
export { createSharedSessionReads, type SharedSessionReads } from './reader';
export { toAuthProvider } from './providers';
export { sanitizeAuthRequests } from './sanitize-auth-requests';
export { secureCookiesOnHttps } from './secure-cookies';
export { clearSessionCookies } from './session-cookie';
