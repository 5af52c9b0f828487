import { describe, expect, it } from 'vitest';
import { initialsOf } from './initials';

describe('initialsOf', () => {
	it('takes the first and last word of a name', () => {
		expect(initialsOf('Ada Lovelace')).toBe('AL');
		expect(initialsOf('grace brewster murray hopper')).toBe('GH');
		expect(initialsOf('Ada')).toBe('A');
	});

	it('reads an email address by its local part', () => {
		expect(initialsOf('ada.lovelace@example.test')).toBe('AL');
		expect(initialsOf('remote-avatar-x1@example.test')).toBe('RX');
	});

	it('skips what is not a letter or digit, and answers "?" for nothing', () => {
		expect(initialsOf('  (Émile)  Zola! ')).toBe('ÉZ');
		expect(initialsOf('')).toBe('?');
		expect(initialsOf(null)).toBe('?');
		expect(initialsOf('*** ---')).toBe('?');
	});
});
