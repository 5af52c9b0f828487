// @ts-check
import { errors, interactionPolicy } from 'oidc-provider';
import { errorPage, sendPage } from './pages.js';
import { showPrompt, submitPrompt } from './prompts.js';

/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */
/** @typedef {import('oidc-provider').default} Provider */

/** Where oidc-provider sends the browser when it needs the user (see `interactions.url`). */
export const INTERACTION_PATH = '/interaction/';

const ROUTE = /^\/interaction\/([\w-]+)(\/abort)?$/;

/**
 * oidc-provider's `interactions` setting: its default prompts, plus one rule, and the pages at
 * INTERACTION_PATH. The rule: ask for a username on every authorization request, even when this
 * browser already signed in. Real providers would sign the user straight back in; here that
 * would make switching users impossible and automated flows order-dependent.
 * @returns {import('oidc-provider').Configuration['interactions']}
 */
export function interactionSettings() {
	const policy = interactionPolicy.base();
	policy
		.get('login')
		?.checks.add(
			new interactionPolicy.Check(
				'local_idp_login',
				'the local IdP asks for a username on every sign-in',
				(ctx) => !ctx.oidc.result?.login
			)
		);
	return { policy, url: (_ctx, interaction) => `${INTERACTION_PATH}${interaction.uid}` };
}

/**
 * Serves the login and consent pages at /interaction/:uid and reports the outcome back to
 * oidc-provider, which then resumes the authorization request; /interaction/:uid/abort denies it.
 * @param {Provider} provider
 * @param {string} label shown as the page heading, e.g. "Local Google"
 * @param {Request} req
 * @param {Response} res
 */
export async function handleInteraction(provider, label, req, res) {
	const match = ROUTE.exec(new URL(req.url ?? '/', 'http://idp.invalid').pathname);
	if (!match) return sendPage(res, 404, errorPage(label, { error: 'not_found' }));
	const interaction = await findInteraction(provider, req, res);
	// The uid in the URL must be the one bound to this browser's interaction cookie.
	if (!interaction || interaction.uid !== match[1]) {
		return sendPage(
			res,
			400,
			errorPage(label, {
				error: 'This sign-in has expired or was already completed.',
				hint: 'Go back to the app and sign in again.'
			})
		);
	}
	if (match[2]) return deny(provider, req, res);

	const { name } = interaction.prompt;
	if (name !== 'login' && name !== 'consent') throw new Error(`Unexpected prompt ${name}`);
	const action = `${INTERACTION_PATH}${interaction.uid}`;
	const prompt = { provider, label, interaction, action, abortUrl: `${action}/abort` };
	if (req.method === 'POST') return submitPrompt(prompt, req, res);
	if (req.method !== 'GET') {
		return sendPage(res, 405, errorPage(label, { error: 'method_not_allowed' }));
	}
	return sendPage(res, 200, await showPrompt(prompt));
}

/**
 * This browser's interaction, or undefined when its cookie names none that is still live.
 * @param {Provider} provider
 * @param {Request} req
 * @param {Response} res
 */
async function findInteraction(provider, req, res) {
	try {
		return await provider.interactionDetails(req, res);
	} catch (error) {
		if (!(error instanceof errors.SessionNotFound)) throw error;
		return undefined;
	}
}

/**
 * The user cancelled: the app gets `access_denied`.
 * @param {Provider} provider
 * @param {Request} req
 * @param {Response} res
 */
function deny(provider, req, res) {
	return provider.interactionFinished(
		req,
		res,
		{ error: 'access_denied', error_description: 'End-User aborted interaction' },
		{ mergeWithLastSubmission: false }
	);
}
