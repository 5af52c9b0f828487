import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signInToApp } from '../idp/testkit/app-sign-in.js';
import { runBuild, TEST_SECRET } from '../idp/testkit/app.js';
import { providerEnv } from '../idp/testkit/clients.js';
import { freePort } from '../idp/testkit/ports.js';
import { expect, test } from './fixtures';

// The private app keeps its data on disk in a PGlite directory of this spec's own.
const root = mkdtempSync(join(tmpdir(), 'latchkey-e2e-pglite-'));
const dataDir = join(root, 'pglite');

test.use({ appOptions: { env: { PGLITE_DATA_DIR: dataDir } } });
test.afterAll(() => rmSync(root, { recursive: true, force: true }));

test('a second app on the PGlite directory stops with one line naming it and the first app, and no row is lost', async ({
	privateApp,
	restartPrivateApps,
	request,
	login
}) => {
	const cookies: string[] = [];
	for (const n of [1, 2, 3]) {
		cookies.push(await signInToApp(privateApp.url, 'github', `${login}-${n}`));
	}

	const port = await freePort();
	const second = runBuild({
		PATH: process.env.PATH,
		AUTH_SECRET: TEST_SECRET,
		...providerEnv(privateApp.idp),
		PGLITE_DATA_DIR: dataDir,
		HOST: '127.0.0.1',
		PORT: String(port),
		ORIGIN: `http://127.0.0.1:${port}`
	});
	expect(await second.exited).toBe(1);
	expect(second.output().trim().split('\n')).toEqual([
		expect.stringContaining(
			`Latchkey cannot start: the PGlite database in ${dataDir} is in use by process ${privateApp.pid} `
		)
	]);

	// The first app restarts on the directory (its lock released at shutdown), and every session
	// written before is still there.
	await restartPrivateApps({});
	for (const cookie of cookies) {
		const status = await request.get(`${privateApp.url}/api/get-session-status`, {
			headers: { cookie }
		});
		expect(status.status()).toBe(200);
	}
});
