// @ts-check
import { createHash } from 'node:crypto';

/**
 * Logins the local IdPs accept: GitHub's username rules, loosened to allow dots and underscores.
 * Keeping to these characters makes `${login}@example.test` a valid email address.
 */
const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{0,38}$/;

/**
 * Logins that start with this get a picture at an https URL, as real GitHub and Google users
 * do, on a host that never resolves (`.test` is reserved): e2e routes its requests to load or to
 * fail, and anywhere else it fails, so the app shows the user's initials instead.
 */
export const REMOTE_AVATAR_LOGIN_PREFIX = 'remote-avatar';
export const REMOTE_AVATAR_ORIGIN = 'https://avatars.example.test';

/**
 * Logins that start with this claim the address of the login after it, unverified, as an
 * issuer that lets anyone type any address would: `unverified-alice` says it is
 * `alice@example.test`, with `email_verified: false` (and GitHub lists it as not verified).
 */
export const UNVERIFIED_EMAIL_LOGIN_PREFIX = 'unverified-';

/**
 * Canonical form of a typed username. Case is folded, as on GitHub and Google, so "Alice" and
 * "alice" are the same person.
 * @param {string} input
 * @returns {string | undefined} undefined when the input is not a usable login
 */
export function normalizeLogin(input) {
	const login = input.trim().toLowerCase();
	return LOGIN_PATTERN.test(login) ? login : undefined;
}

/**
 * Everything the local IdPs say about a user. It is derived from the login alone, so the same
 * username is the same person across IdP restarts and there is no user database to keep.
 * @param {string} login a normalized login
 */
export function profileFor(login) {
	const digest = createHash('sha256').update(login).digest();
	const claimed = login.startsWith(UNVERIFIED_EMAIL_LOGIN_PREFIX)
		? login.slice(UNVERIFIED_EMAIL_LOGIN_PREFIX.length)
		: undefined;
	return {
		login,
		// A stable positive id that, like GitHub's, fits a signed 32-bit integer.
		githubId: 1 + (digest.readUInt32BE(0) % 0x7fffffff),
		name: login
			.split(/[._-]+/)
			.filter(Boolean)
			.map((part) => part.charAt(0).toUpperCase() + part.slice(1))
			.join(' '),
		email: `${claimed ?? login}@example.test`,
		emailVerified: claimed === undefined,
		picture: login.startsWith(REMOTE_AVATAR_LOGIN_PREFIX)
			? `${REMOTE_AVATAR_ORIGIN}/${login}.png`
			: avatar(login, digest.readUInt16BE(4) % 360)
	};
}

/**
 * An initial on a coloured square, as a data: URL so nothing has to be fetched from the network.
 * @param {string} login
 * @param {number} hue
 */
function avatar(login, hue) {
	const svg =
		`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">` +
		`<rect width="64" height="64" fill="hsl(${hue} 55% 45%)"/>` +
		`<text x="32" y="43" font-family="sans-serif" font-size="30" fill="#fff" text-anchor="middle">` +
		`${login.charAt(0).toUpperCase()}</text></svg>`;
	return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * oidc-provider's account lookup: every well-formed login is an existing account.
 * @type {import('oidc-provider').FindAccount}
 */
export async function findAccount(_ctx, sub) {
	const login = normalizeLogin(sub);
	if (!login) return undefined;
	const { name, email, emailVerified, picture } = profileFor(login);
	return {
		accountId: login,
		// oidc-provider keeps only the claims that the granted scopes allow, and that the
		// instance releases for them (`preferred_username` only at the OIDC issuer).
		claims: () => ({
			sub: login,
			name,
			preferred_username: login,
			email,
			email_verified: emailVerified,
			picture
		})
	};
}
