// @ts-check
/**
 * One command for local runs. Starts the local GitHub, Google and OIDC IdPs for whichever
 * provider the environment doesn't configure, then runs the app with matching settings:
 *
 *   node idp/launch.js dev     vite dev server
 *   node idp/launch.js start   the production build in build/ (run `vite build` first)
 *
 * Reads .env if present; variables already set in the environment win over it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { faultsFromEnv, integerFromEnv, persistentSecret } from './launch-settings.js';

const MODES = ['dev', 'start'];

const mode = process.argv[2] ?? '';
if (!MODES.includes(mode)) {
	console.error('Usage: node idp/launch.js dev|start');
	process.exit(2);
}
const dev = mode === 'dev';

if (existsSync('.env')) process.loadEnvFile('.env');
const env = { ...process.env };

const port = integerFromEnv(env, 'PORT', dev ? 5173 : 3000);
const appUrl = dev ? `http://127.0.0.1:${port}` : env.ORIGIN || `http://127.0.0.1:${port}`;
const local = { github: !env.AUTH_GITHUB_ID, google: !env.AUTH_GOOGLE_ID, oidc: !env.AUTH_OIDC_ID };

// Without a fixed secret every restart would sign everybody out.
env.AUTH_SECRET ||= persistentSecret();
if (dev) {
	// The dev server answers on two origins, so Auth.js must take the origin from the request.
	env.AUTH_TRUST_HOST ||= 'true';
} else {
	// adapter-node assumes https unless told the origin.
	env.ORIGIN = appUrl;
	env.PORT = String(port);
	env.HOST ||= '127.0.0.1';
}

const idp = local.github || local.google || local.oidc ? await startLocalIdp() : undefined;
// The local IdPs' issuers carry their ports, which follow the app's, and the app refuses to sign
// in one issuer's users as another's (provider_issuers): each port keeps its own embedded data.
if (idp && !env.DATABASE_URL) env.PGLITE_DATA_DIR ||= `.data/pglite-${port}`;

const [command, args] = dev
	? [
			'node_modules/.bin/vite',
			['dev', '--host', '127.0.0.1', '--port', String(port), '--strictPort']
		]
	: [process.execPath, ['build']];
const child = spawn(command, args, { stdio: 'inherit', env });

const localNames = [local.github && 'GitHub', local.google && 'Google', local.oidc && 'OIDC']
	.filter(Boolean)
	.join(', ');
console.log(
	`\nLatchkey: open ${appUrl}` +
		(localNames ? ` (local ${localNames} sign-in: any username works)` : '') +
		'\n'
);

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	// The child stops first; its exit below then takes the IdP down.
	process.on(signal, () => child.kill(signal));
}
child.on('error', async (error) => {
	console.error(`Latchkey: could not run ${command}: ${error.message}`);
	await idp?.close();
	process.exit(1);
});
child.on('exit', async (code, signal) => {
	await idp?.close();
	process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});

/** Starts the local IdPs and points the app at them, for each provider env leaves unset. */
async function startLocalIdp() {
	const googlePort = integerFromEnv(env, 'IDP_GOOGLE_PORT', port + 1);
	const githubPort = integerFromEnv(env, 'IDP_GITHUB_PORT', port + 2);
	const oidcPort = integerFromEnv(env, 'IDP_OIDC_PORT', port + 3);
	const faults = faultsFromEnv(env);
	// Loaded only when needed: oidc-provider warns about the Node version on import.
	const { startIdp } = await import('./provider.js');
	const started = await startIdp({
		appOrigins: dev ? [appUrl, `http://localhost:${port}`] : [appUrl],
		googlePort,
		githubPort,
		oidcPort,
		accessTokenTtl: integerFromEnv(env, 'IDP_ACCESS_TOKEN_TTL', 300)
	}).catch((error) => {
		if (error.code !== 'EADDRINUSE') throw error;
		console.error(
			`Latchkey: port ${error.port} is taken; choose others with IDP_GOOGLE_PORT (now ${googlePort}), IDP_GITHUB_PORT (now ${githubPort}) and IDP_OIDC_PORT (now ${oidcPort})`
		);
		process.exit(1);
	});
	started.faults.set({ google: faults, github: faults, oidc: faults });
	if (local.github) {
		env.AUTH_GITHUB_ID = started.github.clientId;
		env.AUTH_GITHUB_SECRET = started.github.clientSecret;
		env.AUTH_GITHUB_ENTERPRISE_URL = started.github.baseUrl;
	}
	if (local.google) {
		env.AUTH_GOOGLE_ID = started.google.clientId;
		env.AUTH_GOOGLE_SECRET = started.google.clientSecret;
		env.AUTH_GOOGLE_ISSUER = started.google.issuer;
	}
	if (local.oidc) {
		env.AUTH_OIDC_ID = started.oidc.clientId;
		env.AUTH_OIDC_SECRET = started.oidc.clientSecret;
		env.AUTH_OIDC_ISSUER = started.oidc.issuer;
	}
	return started;
}
