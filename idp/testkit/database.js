// @ts-check
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/**
 * Creates a database with a new name on the Postgres server of `serverUrl` (e.g.
 * TEST_DATABASE_URL), so that tests running at the same time never share one.
 * @param {string} serverUrl
 * @returns {Promise<{ url: URL, drop: () => Promise<void> }>} its URL, and `drop()` to remove it
 *   (connections still open are ended)
 */
export async function createThrowawayDatabase(serverUrl) {
	const name = `latchkey_test_${randomBytes(4).toString('hex')}`;
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return {
		url,
		drop: async () => {
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	};
}
