// @ts-check
import { normalizeLogin } from './accounts.js';
import { consentPage, loginPage, sendPage } from './pages.js';

/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */
/** @typedef {import('oidc-provider').default} Provider */
/** @typedef {import('oidc-provider').Interaction} Interaction */

/**
 * A login or consent prompt of one interaction, and where its page's form posts to and its
 * cancel link points.
 * @typedef {object} Prompt
 * @property {Provider} provider
 * @property {string} label shown as the page heading, e.g. "Local Google"
 * @property {Interaction} interaction
 * @property {string} action
 * @property {string} abortUrl
 */

/** Scopes every sign-in implies; listing them on the consent page would only be noise. */
const IMPLIED_SCOPES = new Set(['openid', 'offline_access']);

/**
 * The page that asks for a username (login) or for the scopes the client wants (consent).
 * @param {Prompt} prompt
 * @returns {Promise<string>}
 */
export async function showPrompt({ provider, label, interaction, action, abortUrl }) {
	if (interaction.prompt.name === 'login') {
		const hint = interaction.params.login_hint;
		return loginPage({ label, action, abortUrl, login: typeof hint === 'string' ? hint : '' });
	}
	const clientId = String(interaction.params.client_id);
	const client = await provider.Client.find(clientId);
	return consentPage({
		label,
		action,
		abortUrl,
		clientName: client?.clientName ?? clientId,
		login: interaction.session?.accountId ?? '',
		scopes: missingScopes(interaction).filter((scope) => !IMPLIED_SCOPES.has(scope))
	});
}

/**
 * Takes the answer to a prompt and reports it to oidc-provider, which then resumes the
 * authorization request; a username that is not valid gets the login page again.
 * @param {Prompt} prompt
 * @param {Request} req
 * @param {Response} res
 */
export async function submitPrompt(prompt, req, res) {
	return prompt.interaction.prompt.name === 'login'
		? submitLogin(prompt, req, res)
		: submitConsent(prompt, req, res);
}

/**
 * @param {Prompt} prompt
 * @param {Request} req
 * @param {Response} res
 */
async function submitLogin({ provider, label, action, abortUrl }, req, res) {
	const typed = (await readForm(req)).get('login') ?? '';
	const login = normalizeLogin(typed);
	if (!login) {
		const error =
			'Use 1–39 letters, digits, dots, dashes or underscores, starting with a letter or digit.';
		return sendPage(res, 400, loginPage({ label, action, abortUrl, login: typed, error }));
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
 * @param {Prompt} prompt
 * @param {Request} req
 * @param {Response} res
 */
async function submitConsent({ provider, interaction }, req, res) {
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
