import type { Provider } from '@auth/sveltekit/providers';
import GitHub from '@auth/sveltekit/providers/github';
import Google from '@auth/sveltekit/providers/google';
import type { Profile, User } from '@auth/core/types';
import { PROVIDER_TIMEOUT_MS } from '$lib/timings';
import type { ClientAuthMethod } from '../providers/client-auth';
import type { ProviderSettings } from '../providers/settings';

/**
 * The user an OpenID Connect profile (the userinfo answer, Google's included) makes, as Auth.js's
 * default does, but with the email only when the issuer says it verified it
 * (`email_verified: true`). Anyone can type someone else's address into an issuer that does not
 * check it: taken for a new user, that address would be theirs here, and the real owner's own
 * sign-up would then be refused as `OAuthAccountNotLinked`. Such a user is created without an
 * email. Note: an issuer that sends no `email_verified` at all (Entra ID, for one) asserts
 * nothing, and is treated the same way.
 */
export function toVerifiedUser(profile: Profile): User {
	const verified = profile.email_verified === true || String(profile.email_verified) === 'true';
	return {
		id: profile.sub ?? undefined,
		name: profile.name ?? profile.nickname ?? profile.preferred_username ?? null,
		email: verified && typeof profile.email === 'string' ? profile.email : null,
		image: profile.picture ?? null
	};
}

interface GitHubEmail {
	email: string;
	primary: boolean;
	verified: boolean;
}

/**
 * GitHub's user (`GET /user`), as Auth.js's GitHub provider reads it, but when the user shows no
 * public email, only a primary email that GitHub verified (`GET /user/emails`): Auth.js's own
 * takes the primary one, verified or not. A public email is always a verified one.
 */
async function requestVerifiedGitHubUser({
	tokens,
	provider
}: {
	tokens: { access_token?: string };
	provider: { userinfo?: { url: URL } };
}): Promise<Record<string, unknown>> {
	const url = provider.userinfo!.url;
	const init = {
		headers: { authorization: `Bearer ${tokens.access_token}`, 'user-agent': 'latchkey' },
		signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS)
	};
	const user = (await (await fetch(url, init)).json()) as Record<string, unknown>;
	if (typeof user.email === 'string' && user.email !== '') return user;
	const response = await fetch(`${url.href}/emails`, init);
	const emails = response.ok ? ((await response.json()) as GitHubEmail[]) : [];
	const verified = emails.find(({ primary, verified }) => primary && verified);
	return { ...user, email: verified?.email ?? null };
}

/**
 * The Auth.js provider for one configured provider, authenticating its code exchange with
 * `clientAuth` (the method refresh and revocation use: `providerEndpoints`). Without it, Auth.js
 * sends `client_secret_basic`.
 */
export function toAuthProvider(
	settings: ProviderSettings,
	clientAuth?: ClientAuthMethod
): Provider {
	const { clientId, clientSecret, endpoint } = settings;
	const client = clientAuth && { client: { token_endpoint_auth_method: clientAuth } };
	if (settings.id === 'github') {
		return GitHub({
			clientId,
			clientSecret,
			...client,
			...(endpoint !== undefined && { enterprise: { baseUrl: endpoint } }),
			userinfo: { request: requestVerifiedGitHubUser }
		});
	}
	if (settings.id === 'oidc') return { ...toOidcProvider(settings), ...client };
	return Google({
		clientId,
		clientSecret,
		...client,
		...(endpoint !== undefined && { issuer: endpoint }),
		// Offline access with consent is what makes Google issue a refresh token.
		authorization: { params: { access_type: 'offline', prompt: 'consent' } },
		profile: toVerifiedUser
	});
}

/** Auth.js's generic OIDC provider (discovery at the issuer), with id `oidc`. */
function toOidcProvider({
	name,
	clientId,
	clientSecret,
	endpoint,
	authorization
}: ProviderSettings) {
	return {
		id: 'oidc',
		name,
		type: 'oidc',
		issuer: endpoint,
		clientId,
		clientSecret,
		checks: ['pkce', 'state', 'nonce'],
		// Note: Okta (and others) put only the subject into an ID token issued beside an access
		// token; the userinfo endpoint has the name and email, so the profile is read there.
		idToken: false,
		authorization: { params: authorization },
		profile: toVerifiedUser
	} satisfies Provider;
}
