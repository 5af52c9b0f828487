import type { Session } from '@auth/core/types';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../app/read-config';
import { readSignInPage } from './sign-in';

const ORIGIN = 'http://127.0.0.1:5173';
const user = { id: 'u1', name: null, email: null, image: null };
const signedIn: Session = { user, providers: ['github'], expires: '' };

const { providers } = readConfig({
	AUTH_SECRET: 'sign-in-page-test-secret-0123456789abcdefghijklmnop',
	AUTH_TRUST_HOST: 'true',
	AUTH_GITHUB_ID: 'gh-id',
	AUTH_GITHUB_SECRET: 'gh-secret',
	AUTH_GOOGLE_ID: 'g-id',
	AUTH_GOOGLE_SECRET: 'g-secret',
	AUTH_OIDC_ISSUER: 'https://example.okta.com/oauth2/default',
	AUTH_OIDC_ID: 'okta-id',
	AUTH_OIDC_SECRET: 'okta-secret',
	AUTH_OIDC_NAME: 'Okta'
});

const page = (query: string, session: Session | null = null) =>
	readSignInPage(providers, new URL(`/signin${query}`, ORIGIN), session);

describe('readSignInPage', () => {
	it('shows a signed-out visitor the providers, where they will land, and why sign-in failed', () => {
		expect(page('?redirectedFrom=%2Fprofile&error=AccessDenied')).toEqual({
			signedIn: false,
			providers: [
				{ id: 'github', name: 'GitHub' },
				{ id: 'google', name: 'Google' },
				{ id: 'oidc', name: 'Okta' }
			],
			redirectTo: '/profile',
			error: 'Sign-in was cancelled or refused by the provider.',
			reauth: false
		});
		expect(page('?redirectedFrom=%2F%2Fevil.example%2F')).toMatchObject({ redirectTo: '/' });
	});

	it('sends a signed-in visitor on, and a failed connect back to the profile', () => {
		expect(page('?redirectedFrom=%2Fconnections', signedIn)).toEqual({
			signedIn: true,
			location: '/connections'
		});
		expect(page('?error=OAuthAccountNotLinked', signedIn)).toEqual({
			signedIn: true,
			location: '/profile?linkError=OAuthAccountNotLinked'
		});
	});

	it('shows the page to a signed-in visitor renewing their sign-in, or whose tokens died', () => {
		// Confirming it is them: only their own providers (another would link it instead).
		expect(page('?reauth=1', signedIn)).toMatchObject({
			signedIn: false,
			reauth: true,
			providers: [{ id: 'github', name: 'GitHub' }]
		});
		const flagged: Session = { ...signedIn, error: 'RefreshTokenError' };
		expect(page('', flagged)).toMatchObject({
			signedIn: false,
			error: null,
			reauth: false,
			providers: [{ id: 'github' }, { id: 'google' }, { id: 'oidc' }]
		});
	});
});
