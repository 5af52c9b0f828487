const RETRY = 'Sign-in could not be completed. Please try again.';

// Every code Auth.js puts in `?error=`; anything else gets the default message.
const MESSAGES: Record<string, string> = {
	Configuration: 'Sign-in is unavailable because of a problem on our side. Please try again later.',
	AccessDenied: 'Sign-in was cancelled or refused by the provider.',
	Verification: 'That sign-in link has expired or was already used.',
	// Note: Auth.js never links by email (no allowDangerousEmailAccountLinking): the owner of the
	// account must prove it with the provider they use, then connect this one while signed in.
	OAuthAccountNotLinked:
		'This email address already belongs to an account that signs in with another provider. ' +
		'Sign in with that provider, then connect this one from your profile.',
	AccountNotLinked:
		'This sign-in belongs to another account. Sign in with the provider you used before.',
	OAuthSignin: RETRY,
	OAuthCallbackError: RETRY,
	OAuthCallback: RETRY,
	Callback: RETRY,
	Signin: RETRY,
	OAuthCreateAccount: 'We could not create your account. Please try again.',
	EmailCreateAccount: 'We could not create your account. Please try again.',
	EmailSignin: 'We could not send the sign-in email. Please try again.',
	CredentialsSignin: 'Those details were not accepted. Please check them and try again.',
	MissingCSRF: 'The sign-in form expired. Please try again.',
	SessionRequired: 'Please sign in to open that page.',
	WebAuthnVerificationError: RETRY
};

/** A readable message for an Auth.js error code, or `null` when there is no error. */
export function signInErrorMessage(code: string | null): string | null {
	if (code === null || code === '') return null;
	return Object.hasOwn(MESSAGES, code) ? MESSAGES[code]! : RETRY;
}

/**
 * Why connecting another provider failed, for a signed-in user (shown on /profile), or `null`.
 * Signed in, Auth.js answers OAuthAccountNotLinked only for an account owned by another user.
 */
export function connectErrorMessage(code: string | null): string | null {
	if (code === null || code === '') return null;
	if (code === 'OAuthAccountNotLinked') {
		return (
			'That account is already linked to another Latchkey user, so it was not connected to ' +
			'yours. Nothing was merged.'
		);
	}
	if (code === 'AccessDenied') return 'Connecting was cancelled or refused by the provider.';
	return 'That account could not be connected. Please try again.';
}
