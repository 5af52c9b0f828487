import { rmSync } from 'node:fs';
import { createPgliteTemplate } from '../idp/testkit/pglite.js';
import { PGLITE_TEMPLATE } from './support/ports';

/** Migrates the one PGlite database that private apps copy, before the specs run. */
export default async function globalSetup() {
	// Note: a run that was killed leaves its template behind.
	rmSync(PGLITE_TEMPLATE, { recursive: true, force: true });
	const template = await createPgliteTemplate(PGLITE_TEMPLATE);
	return template.remove;
}
