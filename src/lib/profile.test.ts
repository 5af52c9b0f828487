import { describe, expect, it } from 'vitest';
import { validateDisplayName } from './profile';

describe('validateDisplayName', () => {
	it.each([
		['Ada', 'Ada'],
		['  Ada Lovelace \n', 'Ada Lovelace'],
		['x'.repeat(80), 'x'.repeat(80)],
		['😀'.repeat(80), '😀'.repeat(80)],
		// Joiners and marks are not control characters: family emoji and accents stay.
		['👩\u200d👩\u200d👧 Zoë', '👩\u200d👩\u200d👧 Zoë']
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

	it.each([
		'\u0000',
		'Ada\u0000',
		'Ada\tLovelace',
		'Ada\nLovelace',
		'\u001b[31mAda',
		'Ada\u007f',
		'Ada\u0085'
	])('refuses %j, which holds a control character', (input) => {
		expect(validateDisplayName(input)).toEqual({
			ok: false,
			error: 'Use no control characters, such as tabs or line breaks.'
		});
	});
});
