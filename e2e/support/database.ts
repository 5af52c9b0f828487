import postgres from 'postgres';

/** Creates database `name` afresh on the server of `serverUrl`, and returns its URL. */
export async function createFreshDatabase(serverUrl: string, name: string): Promise<URL> {
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`drop database if exists ${name} with (force)`);
	await admin.unsafe(`create database ${name}`);
	await admin.end();
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return url;
}
