// @ts-check
/**
 * A programmatic browser for the local IdP's sign-in pages: enough to sign in without a real
 * browser, in vitest, Playwright's Node side and the bench. It depends on nothing but Node.
 */

/**
 * Just enough of a browser for the sign-in pages: manual redirects, submitting each page's form,
 * and one cookie jar for all of 127.0.0.1 (browsers ignore ports too; cookie paths are ignored
 * here for brevity).
 */
export class Browser {
	/** @type {Map<string, string>} */
	cookies = new Map();

	/**
	 * @param {string} appOrigin the app's origin, e.g. http://127.0.0.1:5173: sign-in ends at the
	 *   first redirect there
	 */
	constructor(appOrigin) {
		/** @readonly */
		this.appOrigin = new URL(appOrigin).origin;
	}

	/**
	 * @param {string | URL} url
	 * @param {Record<string, string>} [form] posted urlencoded when given
	 */
	async request(url, form) {
		const res = await fetch(url, {
			method: form ? 'POST' : 'GET',
			redirect: 'manual',
			headers: {
				cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
				// Every form posted here is same-origin, and browsers send Origin on a POST.
				...(form && {
					'content-type': 'application/x-www-form-urlencoded',
					origin: new URL(url).origin
				})
			},
			body: form && new URLSearchParams(form)
		});
		for (const header of res.headers.getSetCookie()) {
			const [pair = ''] = header.split(';');
			const name = pair.slice(0, pair.indexOf('='));
			const value = pair.slice(pair.indexOf('=') + 1);
			if (value) this.cookies.set(name, value);
			else this.cookies.delete(name);
		}
		return res;
	}

	/**
	 * Opens an authorization URL and works through the IdP's pages until it redirects to the app.
	 * @param {URL} authorizeUrl
	 * @param {string} login typed on the login page
	 * @param {{ deny?: boolean }} [options] cancel on the first page instead
	 * @returns {Promise<{ callback: URL, pages: string[] }>} the callback URL and the pages seen
	 */
	async signIn(authorizeUrl, login, { deny = false } = {}) {
		/** @type {string[]} */
		const pages = [];
		let url = authorizeUrl;
		let res = await this.request(url);
		while (pages.length < 10) {
			if (res.status >= 300 && res.status < 400) {
				url = new URL(/** @type {string} */ (res.headers.get('location')), url);
				if (url.href.startsWith(`${this.appOrigin}/`)) return { callback: url, pages };
				res = await this.request(url);
				continue;
			}
			const html = await res.text();
			if (res.status !== 200) {
				throw new Error(`${url.href} answered ${res.status} after [${pages.join(', ')}]:\n${html}`);
			}
			const form = parseForm(html);
			if (deny) {
				pages.push('cancel');
				res = await this.request(new URL(`${url.pathname}/abort`, url));
			} else if ('login' in form.fields) {
				pages.push('login');
				res = await this.request(new URL(form.action, url), { login });
			} else {
				pages.push(html.includes('Authorize</button>') ? 'consent' : 'auto-submit');
				res = await this.request(new URL(form.action, url), form.fields);
			}
		}
		throw new Error(`No redirect to the app after ${pages.join(', ')}`);
	}
}

/**
 * The first form on a page: its action and its named inputs.
 * @param {string} html
 */
export function parseForm(html) {
	const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
	if (!form) throw new Error(`No form in:\n${html}`);
	const [, action = '', body = ''] = form;
	/** @type {Record<string, string>} */
	const fields = {};
	for (const [input] of body.matchAll(/<input[^>]*>/g)) {
		const name = /name="([^"]*)"/.exec(input)?.[1];
		if (name) fields[name] = /value="([^"]*)"/.exec(input)?.[1] ?? '';
	}
	return { action, fields };
}
