import { error } from '@sveltejs/kit';
import { hasControlCharacter } from '$lib/text';

/** Longer than any id we issue (session ids are UUIDs). */
const ID_MAX_LENGTH = 100;

/**
 * The request's form data. A body that is no form (text/plain, a broken multipart) is the
 * client's mistake: 400 with a short message, not a 500 with a stack trace. Other failures, such
 * as adapter-node's 413 for an oversized body, keep their own status.
 * Note: where Auth.js reads the body after us, pass `event.request.clone()`.
 */
export async function readForm(request: Request): Promise<FormData> {
	try {
		return await request.formData();
	} catch (cause) {
		if (cause instanceof TypeError) error(400, 'The request body is not a form.');
		throw cause;
	}
}

/** The field `name` when it is a plausible id (a short string, no control character), else null. */
export function readId(form: FormData, name: string): string | null {
	const value = form.get(name);
	if (typeof value !== 'string' || value === '' || value.length > ID_MAX_LENGTH) return null;
	return hasControlCharacter(value) ? null : value;
}
