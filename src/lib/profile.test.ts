import { describe, expect, it } from 'vitest';
import { validateDisplayName } from './profile';

describe('validateDisplayName', () => {
	it.each([
		['Ada', 'Ada'],
		['  Ada Lovelace \n', 'Ada Lovelace'],
		['x'.repeat(80), 'x'.repeat(80)],
		['😀'.repeat(80), '😀'.repeat(80)]
	])('accepts %j as %j', (input, name) => {
		expect(validateDisplayName(input)).toEqual({ ok: true, name });
	});

	it.each([
		['', 'Enter a display name.'],
		['   ', 'Enter a display name.'],
		[null, 'Enter a display name.'],
		['x'.repeat(81), 'Use at most 80 characters (this one has 81).']
	])('refuses %j', (input, error) => {
		expect(validateDisplayName(input)).toEqual({ ok: false, error });
	});
});
