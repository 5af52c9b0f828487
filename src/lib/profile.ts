import { hasControlCharacter } from './text';

const DISPLAY_NAME_MAX = 80;

/** What a user types to confirm deleting their account. */
export const DELETE_CONFIRMATION = 'DELETE';

export type DisplayNameResult = { ok: true; name: string } | { ok: false; error: string };

/**
 * Trims the name and checks it is 1–80 characters (code points, so emoji count once), none of
 * them a control character.
 */
export function validateDisplayName(input: unknown): DisplayNameResult {
	if (typeof input !== 'string') return { ok: false, error: 'Enter a display name.' };
	const name = input.trim();
	const length = [...name].length;
	if (length === 0) return { ok: false, error: 'Enter a display name.' };
	if (length > DISPLAY_NAME_MAX) {
		return {
			ok: false,
			error: `Use at most ${DISPLAY_NAME_MAX} characters (this one has ${length}).`
		};
	}
	if (hasControlCharacter(name)) {
		return { ok: false, error: 'Use no control characters, such as tabs or line breaks.' };
	}
	return { ok: true, name };
}
