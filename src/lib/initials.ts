/**
 * Up to two letters that stand for a person in an avatar: the first letters of the first and the
 * last word of `name` ("Ada Lovelace" → "AL"). An email address counts by its local part, and
 * words with no letter or digit are skipped; "?" when nothing is left.
 */
export function initialsOf(name: string | null | undefined): string {
	const words = (name ?? '')
		.replace(/@.*$/u, '')
		.split(/[\s._-]+/u)
		.map((word) => /[\p{L}\p{N}]/u.exec(word)?.[0])
		.filter((letter) => letter !== undefined);
	const first = words[0];
	if (first === undefined) return '?';
	const last = words.length > 1 ? words[words.length - 1] : '';
	return (first + last).toLocaleUpperCase();
}
