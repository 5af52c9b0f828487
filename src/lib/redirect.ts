// Control characters and whitespace are stripped or reinterpreted by URL parsers and
// browsers (`/\tevil.com`), and backslashes read as slashes (`/\evil.com`): never accept them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f\\]/;

/**
 * Returns `target` as a same-origin path (path, query and hash), or `fallback` when it could
 * lead anywhere else. Accepts root-relative paths and absolute URLs of exactly `origin`.
 * Used for every post-sign-in, sign-out and `callbackUrl` redirect.
 */
export function safeRedirect(target: unknown, origin: string, fallback = '/'): string {
	if (typeof target !== 'string' || target === '' || UNSAFE_CHARACTERS.test(target)) {
		return fallback;
	}
	const isPath = target.startsWith('/') && !target.startsWith('//');
	if (!isPath && !/^https?:\/\//i.test(target)) return fallback;

	let url: URL;
	try {
		url = new URL(target, origin);
	} catch {
		return fallback;
	}
	if (url.origin !== new URL(origin).origin) return fallback;

	const path = url.pathname + url.search + url.hash;
	// Dot segments can normalise into a protocol-relative path: `/.//evil.com` → `//evil.com`.
	return path.startsWith('//') ? fallback : path;
}
