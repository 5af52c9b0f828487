import { isHttpError } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { readForm, readId } from './form';

function post(body: BodyInit, contentType: string): Request {
	return new Request('http://127.0.0.1/profile?/rename', {
		method: 'POST',
		body,
		headers: { 'content-type': contentType }
	});
}

async function statusOf(promise: Promise<unknown>): Promise<number | 'ok'> {
	try {
		await promise;
		return 'ok';
	} catch (error) {
		if (isHttpError(error)) return error.status;
		throw error;
	}
}

describe('readForm', () => {
	it('reads url-encoded and multipart forms', async () => {
		const encoded = await readForm(post('name=Ada%00', 'application/x-www-form-urlencoded'));
		expect(encoded.get('name')).toBe('Ada\u0000');
		const multipart = new FormData();
		multipart.set('name', 'Ada');
		expect(
			(await readForm(new Request('http://x/', { method: 'POST', body: multipart }))).get('name')
		).toBe('Ada');
	});

	it.each([
		['text/plain', 'name=Ada'],
		['application/json', '{"name":"Ada"}'],
		['multipart/form-data', '--b\r\n\r\nAda\r\n--b--'],
		[
			'multipart/form-data; boundary=b',
			'--other\r\nContent-Disposition: form-data; name="x"\r\n\r\n'
		],
		[
			'multipart/form-data; boundary=b',
			'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nAda'
		]
	])('answers 400 to a %s body that is no form', async (contentType, body) => {
		expect(await statusOf(readForm(post(body, contentType)))).toBe(400);
	});

	it('keeps the error of a body that fails to arrive (a 413 from the adapter)', async () => {
		const tooLarge = Object.assign(new Error('Payload Too Large'), { status: 413 });
		const body = new ReadableStream({ start: (controller) => controller.error(tooLarge) });
		const request = new Request('http://x/', {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			// @ts-expect-error Node's fetch needs `duplex` for a stream body; lib.dom does not know it.
			duplex: 'half'
		});
		await expect(readForm(request)).rejects.toBe(tooLarge);
	});
});

describe('readId', () => {
	const form = (value: string) => {
		const data = new FormData();
		data.set('id', value);
		return data;
	};

	it('accepts an id', () => {
		const id = crypto.randomUUID();
		expect(readId(form(id), 'id')).toBe(id);
	});

	it.each([
		['empty', ''],
		['NUL', 'a\u0000b'],
		['a line break', 'a\nb'],
		['DEL', 'a\u007f'],
		['C1', '\u0085'],
		['101 characters', 'x'.repeat(101)]
	])('refuses %s', (_label, value) => {
		expect(readId(form(value), 'id')).toBeNull();
	});

	it('refuses a missing field and a file', () => {
		const data = new FormData();
		expect(readId(data, 'id')).toBeNull();
		data.set('id', new Blob(['x']), 'id.txt');
		expect(readId(data, 'id')).toBeNull();
	});
});
