import postgres from 'postgres';
import { expect, privateAppUrl, test as base } from './fixtures';

const test = base.extend<{ sql: postgres.Sql }>({
	// The private app's own database, read directly.
	sql: async ({ freshDatabase }, use) => {
		const sql = postgres(freshDatabase!.href, { max: 1, onnotice: () => {} });
		await use(sql);
		await sql.end();
	}
});

// Note: "nothing changed" is read straight from the database, so this needs TEST_DATABASE_URL.
const serverUrl = process.env.TEST_DATABASE_URL;
test.describe('cross-site POSTs, checked in the database', () => {
	test.skip(
		serverUrl === undefined,
		'needs TEST_DATABASE_URL: nothing changed is read from Postgres'
	);
	test.use({ appOptions: { database: 'postgres' }, baseURL: privateAppUrl });

	test('4 forged state changes (rename, sign-out, revoke sessions, delete account) change no row', async ({
		signedInPage: page,
		sql
	}) => {
		await page.goto('/profile');
		const userId = (await page.getByTestId('profile-id').textContent()) ?? '';
		const snapshot = async () => ({
			user: await sql`select name, email from users where id = ${userId}`,
			sessions: await sql`select id, revoked_at from user_sessions where user_id = ${userId}`,
			tokens: await sql`select access_token, refresh_token from accounts where user_id = ${userId}`
		});
		const before = await snapshot();
		expect(before.user).toHaveLength(1);
		expect(before.sessions).toHaveLength(1);

		const forged: { path: string; form: Record<string, string> }[] = [
			{ path: '/profile?/rename', form: { name: 'Mallory' } },
			{ path: '/signout', form: {} },
			{ path: '/account/sessions?/revokeOthers', form: {} },
			{ path: '/profile?/deleteAccount', form: { confirm: 'DELETE' } }
		];
		for (const { path, form } of forged) {
			const response = await page.request.post(path, {
				form,
				headers: { origin: 'https://evil.example' },
				maxRedirects: 0
			});
			expect(response.status(), path).toBe(403);
		}

		expect(await snapshot()).toEqual(before);
	});
});
