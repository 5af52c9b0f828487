// @ts-check
import { errors } from 'oidc-provider';
import { normalizeLogin } from './accounts.js';
import { consentPage, errorPage, loginPage } from './pages.js';

/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */
/** @typedef {import('oidc-provider').default} Provider */
/** @typedef {import('oidc-provider').Interaction} Interaction */

/** Where oidc-provider sends the browser when it needs the user (see `interactions.url`). */
export const INTERACTION_PATH = '/interaction/';

const ROUTE = /^\/interaction\/([\w-]+)(\/abort)?$/;

/** Scopes every sign-in implies; listing them on the consent page would only be noise. */
const IMPLIED_SCOPES = new Set(['openid', 'offline_access']);

/**
 * Serves the login and consent pages at /interaction/:uid and reports the outcome back to
 * oidc-provider, which then resumes the authorization request.
 * @param {Provider} provider
 * @param {string} label shown as the page heading, e.g. "Local Google"
 * @param {Request} req
 * @param {Response} res
 */
export async function handleInteraction(provider, label, req, res) {
	const match = ROUTE.exec(new URL(req.url ?? '/', 'http://idp.invalid').pathname);
	if (!match) return send(res, 404, errorPage(label, { error: 'not_found' }));

	let interaction;
	try {
		interaction = await provider.interactionDetails(req, res);
	} catch (error) {
		if (!(error instanceof errors.SessionNotFound)) throw error;
	}
	// The uid in the URL must be the one bound to this browser's interaction cookie.
	if (!interaction || interaction.uid !== match[1]) {
		return send(
			res,
			400,
			errorPage(label, {
				error: 'This sign-in has expired or was already completed.',
				hint: 'Go back to the app and sign in again.'
			})
		);
	}

	if (match[2]) {
		return provider.interactionFinished(
			req,
			res,
			{ error: 'access_denied', error_description: 'End-User aborted interaction' },
			{ mergeWithLastSubmission: false }
		);
	}

	const { name } = interaction.prompt;
	if (name !== 'login' && name !== 'consent') throw new Error(`Unexpected prompt ${name}`);
	if (req.method === 'POST') {
		return name === 'login'
			? submitLogin(provider, label, interaction, req, res)
			: submitConsent(provider, interaction, req, res);
	}
	if (req.method !== 'GET') {
		return send(res, 405, errorPage(label, { error: 'method_not_allowed' }));
	}

	if (name === 'login') {
		const hint = interaction.params.login_hint;
		const login = typeof hint === 'string' ? hint : '';
		return send(res, 200, loginPage({ label, ...urls(interaction), login }));
	}
	const clientId = String(interaction.params.client_id);
	const client = await provider.Client.find(clientId);
	const consent = consentPage({
		label,
		...urls(interaction),
		clientName: client?.clientName ?? clientId,
		login: interaction.session?.accountId ?? '',
		scopes: missingScopes(interaction).filter((scope) => !IMPLIED_SCOPES.has(scope))
	});
	return send(res, 200, consent);
}

/**
 * @param {Provider} provider
 * @param {string} label
 * @param {Interaction} interaction
 * @param {Request} req
 * @param {Response} res
 */
async function submitLogin(provider, label, interaction, req, res) {
	const typed = (await readForm(req)).get('login') ?? '';
	const login = normalizeLogin(typed);
	if (!login) {
		const error =
			'Use 1–39 letters, digits, dots, dashes or underscores, starting with a letter or digit.';
		return send(res, 400, loginPage({ label, ...urls(interaction), login: typed, error }));
	}
	return provider.interactionFinished(
		req,
		res,
		{ login: { accountId: login } },
		{ mergeWithLastSubmission: false }
	);
}

/**
 * Grants everything that was asked for, as oidc-provider's own development pages do. Scopes are
 * all there is to grant: the claims parameter and resource indicators are disabled.
 * @param {Provider} provider
 * @param {Interaction} interaction
 * @param {Request} req
 * @param {Response} res
 */
async function submitConsent(provider, interaction, req, res) {
	const grant = interaction.grantId
		? await provider.Grant.find(interaction.grantId)
		: new provider.Grant({
				accountId: interaction.session?.accountId,
				clientId: String(interaction.params.client_id)
			});
	if (!grant) throw new Error('The grant being extended no longer exists');
	const missing = missingScopes(interaction);
	if (missing.length) grant.addOIDCScope(missing);

	return provider.interactionFinished(
		req,
		res,
		{ consent: { grantId: await grant.save() } },
		{ mergeWithLastSubmission: true }
	);
}

/**
 * Where a page's form posts to and its cancel link points.
 * @param {Interaction} interaction
 */
function urls(interaction) {
	const action = `${INTERACTION_PATH}${interaction.uid}`;
	return { action, abortUrl: `${action}/abort` };
}

/**
 * The scopes the user has not granted this client yet.
 * @param {Interaction} interaction
 */
function missingScopes(interaction) {
	return /** @type {string[] | undefined} */ (interaction.prompt.details.missingOIDCScope) ?? [];
}

/**
 * Reads a small urlencoded form body.
 * @param {Request} req
 */
async function readForm(req) {
	let body = '';
	for await (const chunk of req) {
		body += chunk;
		if (body.length > 10_000) throw new Error('Form body too large');
	}
	return new URLSearchParams(body);
}

/**
 * @param {Response} res
 * @param {number} status
 * @param {string} html
 */
function send(res, status, html) {
	res.writeHead(status, {
		'content-type': 'text/html; charset=utf-8',
		'cache-control': 'no-store'
	});
	res.end(html);
}
