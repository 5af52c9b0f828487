import { describe, expect, it } from 'vitest';
import { ConfigError, readNamedSecrets, readSecrets } from './env';

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
});
