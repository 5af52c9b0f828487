// @ts-check

/**
 * The local IdPs' HTML. Deliberately plain: one form per page with a single submit button, no
 * scripts and no external assets, so it works offline and is easy to drive from Playwright.
 */

/** @param {unknown} value */
function escapeHtml(value) {
	return String(value).replace(
		/[&<>"']/g,
		(char) => `&#${/** @type {string} */ (char).charCodeAt(0)};`
	);
}

/**
 * @param {string} label which provider this is, e.g. "Local GitHub"
 * @param {string} title
 * @param {string} body trusted HTML
 */
function layout(label, title, body) {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(label)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 24rem; margin: 4rem auto; padding: 0 1rem; }
input, button { font: inherit; padding: 0.5rem; width: 100%; box-sizing: border-box; margin: 0.25rem 0; }
.error { color: #b00020; }
.note { color: #555; font-size: 0.9rem; }
</style>
</head>
<body>
<h1>${escapeHtml(label)}</h1>
${body}
</body>
</html>`;
}

/**
 * @param {{ label: string, action: string, abortUrl: string, login?: string, error?: string }} page
 */
export function loginPage({ label, action, abortUrl, login = '', error }) {
	return layout(
		label,
		'Sign in',
		`<p>Development sign-in: any username works and becomes that user.</p>
<form method="post" action="${escapeHtml(action)}" autocomplete="off">
<label for="login">Username</label>
<input id="login" name="login" type="text" required autofocus value="${escapeHtml(login)}">
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<button type="submit">Sign in</button>
</form>
<p class="note"><a href="${escapeHtml(abortUrl)}">Cancel and return to the app</a></p>`
	);
}

/**
 * @param {{ label: string, action: string, abortUrl: string, clientName: string, login: string, scopes: string[] }} page
 */
export function consentPage({ label, action, abortUrl, clientName, login, scopes }) {
	const list = scopes.length
		? `<ul>${scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('')}</ul>`
		: '<p>It is asking you to confirm access you granted before.</p>';
	return layout(
		label,
		'Authorize',
		`<p><strong>${escapeHtml(clientName)}</strong> wants to access the account
<strong>${escapeHtml(login)}</strong>.</p>
${list}
<form method="post" action="${escapeHtml(action)}">
<button type="submit">Authorize</button>
</form>
<p class="note"><a href="${escapeHtml(abortUrl)}">Deny and return to the app</a></p>`
	);
}

/**
 * @param {string} label
 * @param {Record<string, string | undefined>} details e.g. the OAuth error and its description
 */
export function errorPage(label, details) {
	const rows = Object.entries(details)
		.filter(([, value]) => value)
		.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`)
		.join('');
	return layout(label, 'Error', `<p class="error">Something went wrong.</p><dl>${rows}</dl>`);
}

/**
 * Sends a page, never cached: each belongs to one sign-in.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} html
 */
export function sendPage(res, status, html) {
	res.writeHead(status, {
		'content-type': 'text/html; charset=utf-8',
		'cache-control': 'no-store'
	});
	res.end(html);
}
