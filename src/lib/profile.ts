export const DISPLAY_NAME_MAX = 80;

/** What a user types to confirm deleting their account. */
export const DELETE_CONFIRMATION = 'DELETE';

export type DisplayNameResult = { ok: true; name: string } | { ok: false; error: string };

/** Trims the name and checks it is 1–80 characters (code points, so emoji count once). */
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
	return { ok: true, name };
}
