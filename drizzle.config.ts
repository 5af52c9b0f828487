import { defineConfig } from 'drizzle-kit';

// The same database the app uses: DATABASE_URL when set, embedded PGlite otherwise.
const url = process.env.DATABASE_URL;

export default defineConfig({
	dialect: 'postgresql',
	schema: './src/lib/server/db/schema.ts',
	out: './drizzle',
	...(url
		? { dbCredentials: { url } }
		: { driver: 'pglite', dbCredentials: { url: process.env.PGLITE_DATA_DIR || '.data/pglite' } })
});
