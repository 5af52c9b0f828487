/**
 * Guards the one reference of the environment variables, docs/configuration.md, against the
 * code: its main table lists exactly the variables the app reads, and "Used by the tools" those
 * that only the launcher, the local IdP, the tests and the benchmarks read. `.env.example` lists
 * what `npm run dev` reads; deploy/latchkey.env.example and the README's short table name only
 * variables of the app.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Env } from './env';
import { readProviderSettings } from '../providers/settings';

/**
 * A file that reads env mentions it (an `env` parameter, `$env/dynamic/private`, `process.env`,
 * the `Env` type). It names a variable after `env.` (or `env?.`), destructured from `env`, or as
 * a quoted string of capitals with an underscore: the names handed to `readWholeNumber` and kept
 * in constants (`SECRET_NAMES`). Note: such a file quoting another such string (an error code)
 * fails the test with an extra name; the scan errs loud, never silent.
 */
const READS_ENV = /\benv\b/i;
const MEMBER = /\benv\??\.([A-Z][A-Z0-9_]*)/g;
const QUOTED = /['"]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"]/g;
const DESTRUCTURED = /\{([^}]*)\}\s*=\s*(?:process\.)?env\b/g;
const CAPITALS = /\b[A-Z][A-Z0-9_]*\b/g;

/**
 * adapter-node's variables that `node build` is deployed with (src/ reads the first five too);
 * its others (`BODY_SIZE_LIMIT`, `SOCKET_PATH`…) are left to its own documentation.
 */
const ADAPTER_NODE = [
	...['ORIGIN', 'PROTOCOL_HEADER', 'HOST_HEADER', 'ADDRESS_HEADER', 'XFF_DEPTH'],
	...['HOST', 'PORT', 'SHUTDOWN_TIMEOUT']
];
/** Read by the tools, but not ours to document: the system's search path, and CI's flag. */
const NOT_OURS = ['PATH', 'CI'];

function sourceFiles(folder: string): string[] {
	return readdirSync(folder, { recursive: true, encoding: 'utf8' })
		.filter((file) => /\.(ts|js)$/.test(file))
		.map((file) => join(folder, file));
}

function scanVariables(files: string[]): Set<string> {
	const names = new Set<string>();
	for (const source of files.map((file) => readFileSync(file, 'utf8'))) {
		if (!READS_ENV.test(source)) continue;
		for (const [, name] of source.matchAll(MEMBER)) names.add(name!);
		for (const [, name] of source.matchAll(QUOTED)) names.add(name!);
		for (const [, fields] of source.matchAll(DESTRUCTURED)) {
			for (const [name] of fields!.matchAll(CAPITALS)) names.add(name);
		}
	}
	return names;
}

/**
 * What `readProviderSettings` asks env for with every provider configured: it builds the names
 * from each provider's id (`AUTH_<ID>_CLIENT_AUTH`), where no scan sees them.
 */
function providerVariables(): string[] {
	const configured: Env = {
		AUTH_GITHUB_ID: 'id',
		AUTH_GITHUB_SECRET: 'secret',
		AUTH_GOOGLE_ID: 'id',
		AUTH_GOOGLE_SECRET: 'secret',
		AUTH_OIDC_ISSUER: 'https://issuer.example.com',
		AUTH_OIDC_ID: 'id',
		AUTH_OIDC_SECRET: 'secret'
	};
	const asked = new Set<string>();
	const recording = new Proxy(configured, {
		get: (target, name) => {
			if (typeof name === 'string') asked.add(name);
			return Reflect.get(target, name);
		}
	});
	readProviderSettings(recording);
	return [...asked];
}

const isAppSource = (file: string) => !file.endsWith('.test.ts') && !file.includes('/testing/');
const srcFiles = sourceFiles('src');
const appVariables = new Set([
	...scanVariables([...srcFiles.filter(isAppSource), 'auth.config.ts']),
	...providerVariables(),
	...ADAPTER_NODE
]);
const launcherVariables = scanVariables(['idp/launch.js', 'idp/launch-settings.js']);
const toolFiles = [
	...['idp', 'e2e', 'bench'].flatMap(sourceFiles),
	...srcFiles.filter((file) => file.includes('/testing/')),
	...['drizzle.config.ts', 'playwright.config.ts', 'svelte.config.js', 'vite.config.ts']
];
const toolVariables = new Set(
	[...scanVariables(toolFiles)].filter(
		(name) => !appVariables.has(name) && !NOT_OURS.includes(name)
	)
);

const reference = readFileSync('docs/configuration.md', 'utf8');
const [mainSection = '', toolsSection = ''] = reference.split(/^## Used by the tools$/m);

/** The backticked names in the first column of a Markdown table's rows. */
function tableVariables(markdown: string): string[] {
	return markdown
		.split('\n')
		.filter((line) => line.startsWith('|'))
		.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map(([, n]) => n!));
}

/** The `NAME=` lines of an env file (neither file comments a variable out). */
function envFileVariables(path: string): string[] {
	return [...readFileSync(path, 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map(([, n]) => n!);
}

const outside = (names: Iterable<string>, set: Set<string>) =>
	[...new Set(names)].filter((name) => !set.has(name)).sort();

describe('the reference of the environment variables', () => {
	it('is checked against scans that find the variables they must', () => {
		for (const name of ['AUTH_SECRET', 'AUTH_RATE_LIMIT', 'DATABASE_URL', 'AUTH_OIDC_SCOPE']) {
			expect(appVariables, 'the scan of src/').toContain(name);
		}
		expect(appVariables, 'the providers').toContain('AUTH_GOOGLE_CLIENT_AUTH');
		expect(toolVariables).toContain('IDP_TOKEN_OUTAGE');
		expect(toolVariables).toContain('TEST_DATABASE_URL');
		const adapter = ['files/index.js', 'files/handler.js']
			.map((file) => readFileSync(`node_modules/@sveltejs/adapter-node/${file}`, 'utf8'))
			.join('\n');
		for (const name of ADAPTER_NODE) {
			expect(adapter, 'adapter-node reads it').toContain(`env('${name}'`);
		}
	});

	it('lists in its main table exactly the variables the app reads', () => {
		const listed = tableVariables(mainSection);
		expect(outside(appVariables, new Set(listed)), 'read, not in the table').toEqual([]);
		expect(outside(listed, appVariables), 'in the table, not read').toEqual([]);
	});

	it('lists under "Used by the tools" exactly the variables only the tools read', () => {
		const listed = tableVariables(toolsSection);
		expect(outside(toolVariables, new Set(listed)), 'read, not in the table').toEqual([]);
		expect(outside(listed, toolVariables), 'in the table, not read').toEqual([]);
	});

	// Note: `npm run dev` passes .env to the app through the launcher; the tests never read it.
	it('is what .env.example lists: every variable of the app and of the launcher', () => {
		const listed = envFileVariables('.env.example');
		const expected = new Set([...appVariables, ...launcherVariables]);
		expect(outside(expected, new Set(listed)), 'not in .env.example').toEqual([]);
		expect(outside(listed, expected), 'in .env.example, not read').toEqual([]);
	});

	// Note: a deployment sets only some (the rest have defaults), so this file holds a subset.
	it('holds every variable that deploy/latchkey.env.example sets', () => {
		const listed = envFileVariables('deploy/latchkey.env.example');
		expect(outside(listed, appVariables), 'not variables of the app').toEqual([]);
	});

	it("holds every variable the README's short table names", () => {
		const readme = readFileSync('README.md', 'utf8');
		const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
		const named = [...section.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map(([, name]) => name!);
		expect(named).toContain('AUTH_SECRET');
		expect(outside(named, appVariables), 'not variables of the app').toEqual([]);
	});
});
