import { describe, expect, it } from 'vitest';
import { ConfigError, readAcceptedOnlySecrets, readNamedSecrets, readSecrets } from './env';

const secret = (label: string) => `${label}-0123456789abcdefghijklmnopqrstuvwxyz`;

describe('reading the secrets', () => {
	it('lists them newest first: the highest-numbered one that is set encrypts', () => {
		const env = {
			AUTH_SECRET: secret('base'),
			AUTH_SECRET_1: secret('one'),
			AUTH_SECRET_3: secret('three')
		};
		expect(readSecrets(env)).toEqual([secret('three'), secret('one'), secret('base')]);
		expect(readNamedSecrets(env).map(({ name }) => name)).toEqual([
			'AUTH_SECRET_3',
			'AUTH_SECRET_1',
			'AUTH_SECRET'
		]);
	});

	it('refuses to start without one', () => {
		expect(() => readSecrets({ AUTH_SECRET: '' })).toThrow(ConfigError);
		expect(() => readSecrets({})).toThrow('AUTH_SECRET is not set');
	});

	it('refuses a secret shorter than 32 bytes, naming its variable and not its value', () => {
		const env = { AUTH_SECRET: secret('base'), AUTH_SECRET_2: 'hunter2-but-only-31-bytes-long!' };
		expect(() => readSecrets(env)).toThrow('AUTH_SECRET_2 is shorter than 32 bytes');
		expect(() => readSecrets(env)).not.toThrow(/hunter2/);
		expect(readSecrets({ AUTH_SECRET: 'x'.repeat(32) })).toEqual(['x'.repeat(32)]);
	});

	it('lets AUTH_SECRET_ENCRYPTS keep an older secret encrypting while a new one is only accepted', () => {
		const env = {
			AUTH_SECRET: secret('base'),
			AUTH_SECRET_1: secret('one'),
			AUTH_SECRET_2: secret('two'),
			AUTH_SECRET_ENCRYPTS: 'AUTH_SECRET_1'
		};
		expect(readSecrets(env)).toEqual([secret('one'), secret('two'), secret('base')]);
		expect(readNamedSecrets(env)[0]?.name).toBe('AUTH_SECRET_1');
		expect(readAcceptedOnlySecrets(env)).toEqual([secret('two')]);
		expect(readAcceptedOnlySecrets({ ...env, AUTH_SECRET_ENCRYPTS: undefined })).toEqual([]);
	});

	it('refuses an AUTH_SECRET_ENCRYPTS that names no secret that is set', () => {
		const env = { AUTH_SECRET: secret('base'), AUTH_SECRET_ENCRYPTS: 'AUTH_SECRET_1' };
		expect(() => readSecrets(env)).toThrow(
			'AUTH_SECRET_ENCRYPTS must name a secret variable that is set (AUTH_SECRET)'
		);
		expect(() => readSecrets({ ...env, AUTH_SECRET_ENCRYPTS: secret('base') })).not.toThrow(
			/base-0123/
		);
	});
});
