/**
 * Whether `text` holds a control character (Unicode category Cc: C0, DEL and C1), which no
 * name or id we accept has. Note: Postgres refuses NUL in text outright.
 */
export function hasControlCharacter(text: string): boolean {
	return /\p{Cc}/u.test(text);
}
