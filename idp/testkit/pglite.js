// @ts-check
/**
 * Fresh embedded databases for the tests, fast: a PGlite data directory migrated once per run,
 * then copied for each suite or app that needs a database of its own. Opening a copy takes about
 * 1 s; booting an empty PGlite and migrating it takes 3–4 s of WASM work on this 2-core machine.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * @typedef {object} PgliteDirectory
 * @property {string} dir a PGlite data directory, for `PGLITE_DATA_DIR` or `{ dataDir }`
 * @property {() => void} remove deletes it (once nothing has it open)
 */

/** @param {string} prefix */
function temporaryDirectory(prefix) {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A new PGlite data directory with every migration of `drizzle/` applied, and nothing else: in
 * `dir` (which must not exist yet), or in a new temporary directory.
 * @param {string} [dir]
 * @returns {Promise<PgliteDirectory>}
 */
export async function createPgliteTemplate(dir) {
	const template =
		dir === undefined
			? temporaryDirectory('latchkey-pglite-template-')
			: { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
	const client = new PGlite(template.dir);
	try {
		await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
	} finally {
		await client.close();
	}
	return template;
}

/**
 * A copy of the migrated `template`: a database of its own, as a fresh `memory://` one would be.
 * @param {string} template
 * @returns {PgliteDirectory}
 */
export function copyPgliteTemplate(template) {
	const copy = temporaryDirectory('latchkey-pglite-');
	cpSync(template, copy.dir, { recursive: true });
	return copy;
}
