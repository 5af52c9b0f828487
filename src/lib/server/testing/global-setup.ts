import type { TestProject } from 'vitest/node';
import { createPgliteTemplate } from '../../../../idp/testkit/pglite.js';

declare module 'vitest' {
	export interface ProvidedContext {
		/** A migrated PGlite data directory that each suite copies (see `describeWithDatabases`). */
		pgliteTemplate: string;
	}
}

/** Migrates one PGlite database before the test files run, and removes it after them. */
export default async function setup(project: TestProject) {
	const template = await createPgliteTemplate();
	project.provide('pgliteTemplate', template.dir);
	return template.remove;
}
