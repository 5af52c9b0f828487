// @ts-check
/**
 * `npm run bench`: builds the app, serves the production build with the local IdP, signs in once
 * for real, then loads each route with autocannon and runs the rotation storm. PGlite always;
 * Postgres too when DATABASE_URL is set (its server gets tables and bench users).
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { startTestApp, startTestIdp } from '../e2e/support/app.js';
import { measureRoutes } from './load.js';
import { writeReport } from './report.js';
import { signInToApp } from '../e2e/support/session.js';
import { runStorm } from './storm.js';

const LOAD = { rounds: 5, duration: 3, warmup: 2, connections: 10 };
// Access tokens live 3 s in the storm, and the app refreshes them within 1 s of their end.
const STORM = { ttlSeconds: 3, requests: 100, storms: 3 };
const STORM_ENV = { AUTH_REFRESH_SKEW_SECONDS: '1' };
const RESULTS_FILE = 'bench/results/latest.json';

// Note: autocannon replays one cookie and never stores the one the app re-issues after its
// per-minute session check, so every later request would redo that check. A browser does store
// it; the check costs one request with an indexed update per session per minute, not measured.
const LOAD_ENV = { AUTH_SESSION_CHECK_SECONDS: '3600' };

/** @type {{ name: string, env: Record<string, string | undefined> }[]} */
const databases = [{ name: 'PGlite', env: { ...LOAD_ENV } }];
if (process.env.DATABASE_URL) {
	databases.push({
		name: 'Postgres',
		env: { ...LOAD_ENV, DATABASE_URL: process.env.DATABASE_URL, PGLITE_DATA_DIR: undefined }
	});
}

execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });

const suites = [];
for (const database of databases) {
	const port = await freePort();
	const idp = await startTestIdp([port], 3600);
	const app = await startTestApp(port, { idp, env: database.env });
	try {
		const cookie = await signInToApp(app.url, 'github', `bench-reader-${Date.now()}`);
		const home = await (await fetch(app.url, { headers: { cookie } })).text();
		if (!home.includes('Welcome back')) throw new Error('The session cookie does not sign in');
		const routes = [
			{ name: '1. public page', path: '/', status: 200 },
			{ name: '2. same page, signed in', path: '/', status: 200, cookie },
			{
				name: '3. session status, signed in',
				path: '/api/get-session-status',
				status: 200,
				cookie
			},
			{ name: '3. session status, signed out', path: '/api/get-session-status', status: 401 },
			{ name: '4. protected __data.json', path: '/profile/__data.json', status: 200, cookie },
			{ name: 'JSON with no auth (/api/health)', path: '/api/health', status: 200 }
		];
		console.log(`Loading ${routes.length} routes on ${database.name}…`);
		const figures = await measureRoutes(app, routes, LOAD);
		const rps = (/** @type {string} */ name) => figures.find((f) => f.name === name)?.rps ?? NaN;
		const base = rps('1. public page');
		suites.push({
			database: database.name,
			routes: figures.map((f) => ({ ...f, ratio: round(f.rps / base) })),
			statusVsHealth: round(
				rps('3. session status, signed in') / rps('JSON with no auth (/api/health)')
			)
		});
	} finally {
		await app.stop();
		await idp.close();
	}
}

const storms = [];
const stormSetups = [{ database: 'PGlite', env: STORM_ENV, instances: 1 }];
const postgres = databases.find((database) => database.name === 'Postgres');
if (postgres) {
	const env = { ...STORM_ENV, DATABASE_URL: postgres.env.DATABASE_URL, PGLITE_DATA_DIR: undefined };
	stormSetups.push({ database: 'Postgres', env, instances: 2 });
}
for (const setup of stormSetups) {
	const ports = [];
	for (let i = 0; i < setup.instances; i++) ports.push(await freePort());
	const idp = await startTestIdp(ports, STORM.ttlSeconds);
	const instances = [];
	try {
		for (const port of ports) instances.push(await startTestApp(port, { idp, env: setup.env }));
		console.log(`Rotation storm on ${setup.instances} instance(s), ${setup.database}…`);
		storms.push({ database: setup.database, ...(await runStorm(instances, idp, STORM)) });
	} finally {
		await Promise.all(instances.map((instance) => instance.stop()));
		await idp.close();
	}
}
if (!postgres) console.log('\nSet DATABASE_URL to bench Postgres and the two-instance storm too.');

writeReport({ suites, storms, settings: { ...LOAD, ...STORM } }, RESULTS_FILE);

/** @param {number} value */
function round(value) {
	return Math.round(value * 100) / 100;
}

/** A port nobody listens on now, for a server started right after. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() =>
				typeof address === 'object' && address ? resolve(address.port) : reject()
			);
		});
	});
}
