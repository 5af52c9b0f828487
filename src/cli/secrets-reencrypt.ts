/**
 * `npm run secrets:reencrypt`: re-encrypts every stored provider token under the secret that
 * encrypts (the newest, unless AUTH_SECRET_ENCRYPTS names another), with the app's own env
 * (DATABASE_URL, AUTH_SECRET, AUTH_SECRET_1..3; .env when present). Safe
 * beside running instances on Postgres. Note: embedded PGlite serves one process, so stop the
 * app first there: while the app holds the data directory, this refuses (`lockDataDir`).
 */
import { existsSync } from 'node:fs';
import { ConfigError, readNamedSecrets } from '$lib/server/config/env';
import { connectDatabase, databaseConfigFromEnv } from '$lib/server/db';
import { createTokenCipher, tokenKeyId } from '$lib/server/tokens/cipher';
import { countTokensByKey, reencryptStoredTokens } from '$lib/server/tokens/reencrypt';

if (existsSync('.env')) process.loadEnvFile('.env');
try {
	const named = readNamedSecrets(process.env);
	const cipher = createTokenCipher(named.map(({ secret }) => secret));
	const connection = await connectDatabase(databaseConfigFromEnv(process.env));
	const database = connection.db;
	const changed = await reencryptStoredTokens(database, cipher);
	console.log(`Re-encrypted the tokens of ${changed} accounts under ${named[0]?.name}.`);

	const counts = await countTokensByKey(database);
	const keys = await Promise.all(
		named.map(async ({ name, secret }) => ({ name, kid: await tokenKeyId(secret) }))
	);
	console.log('Stored tokens by key:');
	for (const { name, kid } of keys) console.log(`  ${name}: ${counts.get(kid) ?? 0}`);
	for (const [kid, count] of counts) {
		if (keys.some((key) => key.kid === kid)) continue;
		const key = kid === null ? 'no key id (sealed before key ids)' : `unknown key ${kid}`;
		console.log(`  ${key}: ${count}`);
	}
	await connection.close();
} catch (error) {
	if (!(error instanceof ConfigError)) throw error;
	console.error(`secrets:reencrypt cannot run: ${error.message}`);
	process.exitCode = 1;
}
