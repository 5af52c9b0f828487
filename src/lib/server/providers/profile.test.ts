import { describe, expect, it } from 'vitest';
import { toVerifiedUser } from './profile';

describe('the user an OpenID Connect profile makes', () => {
	const profile = { sub: 'u-1', name: 'Ada', email: 'ada@example.test', picture: 'https://p' };

	it('keeps the email the issuer verified (a boolean, or the string some issuers send)', () => {
		expect(toVerifiedUser({ ...profile, email_verified: true })).toEqual({
			id: 'u-1',
			name: 'Ada',
			email: 'ada@example.test',
			image: 'https://p'
		});
		const asString = { ...profile, email_verified: 'true' as unknown as boolean };
		expect(toVerifiedUser(asString).email).toBe('ada@example.test');
	});

	it('drops an email the issuer did not verify, or says nothing about', () => {
		expect(toVerifiedUser({ ...profile, email_verified: false })).toMatchObject({
			id: 'u-1',
			name: 'Ada',
			email: null
		});
		expect(toVerifiedUser(profile).email).toBeNull();
	});
});
