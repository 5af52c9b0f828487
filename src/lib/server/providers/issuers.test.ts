import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { ConfigError } from '../config/env';
import { providerIssuers } from '../db/schema';
import { describeWithDatabases } from '../testing/databases';
import { checkProviderIssuers } from './issuers';
import { readProviderSettings } from './settings';

const OIDC = { AUTH_OIDC_ID: 'id', AUTH_OIDC_SECRET: 'secret' };
const GITHUB = { AUTH_GITHUB_ID: 'id', AUTH_GITHUB_SECRET: 'secret' };

const configured = (env: Record<string, string>) => readProviderSettings(env);

describeWithDatabases(
	"each provider's issuer, recorded at its first start",
	(app) => {
		it('a start with the same issuers runs; another OIDC issuer stops it with one clear line', async () => {
			const first = configured({ ...OIDC, ...GITHUB, AUTH_OIDC_ISSUER: 'https://login.a.test/' });
			await checkProviderIssuers(app.db, first);
			await checkProviderIssuers(app.db, first);
			expect(
				await app.db.select().from(providerIssuers).orderBy(providerIssuers.provider)
			).toMatchObject([
				{ provider: 'github', issuer: 'https://github.com' },
				{ provider: 'oidc', issuer: 'https://login.a.test' }
			]);

			const moved = configured({ ...OIDC, ...GITHUB, AUTH_OIDC_ISSUER: 'https://login.b.test' });
			const refusal = await checkProviderIssuers(app.db, moved).catch((error: unknown) => error);
			expect(refusal).toBeInstanceOf(ConfigError);
			expect((refusal as Error).message).toBe(
				'oidc is configured for https://login.b.test (AUTH_OIDC_ISSUER), but its accounts here belong to https://login.a.test: a user id at one issuer is nobody\'s at another (see "Changing a provider\'s issuer" in docs/operations.md)'
			);

			// The deliberate move docs/operations.md documents: record the new issuer.
			await app.db
				.update(providerIssuers)
				.set({ issuer: 'https://login.b.test' })
				.where(eq(providerIssuers.provider, 'oidc'));
			await checkProviderIssuers(app.db, moved);
		});

		it('GitHub pointed at an Enterprise server, or a provider left out and back with another issuer, is refused', async () => {
			await checkProviderIssuers(
				app.db,
				configured({ ...GITHUB, AUTH_GOOGLE_ID: 'id', AUTH_GOOGLE_SECRET: 's' })
			);
			const enterprise = configured({ ...GITHUB, AUTH_GITHUB_ENTERPRISE_URL: 'https://ghe.test' });
			await expect(checkProviderIssuers(app.db, enterprise)).rejects.toThrow(
				/^github is configured for https:\/\/ghe\.test \(AUTH_GITHUB_ENTERPRISE_URL\), but its accounts here belong to https:\/\/github\.com:/
			);
			// Google is not configured now; it comes back with another issuer.
			const google = { AUTH_GOOGLE_ID: 'id', AUTH_GOOGLE_SECRET: 's' };
			await expect(
				checkProviderIssuers(
					app.db,
					configured({ ...google, AUTH_GOOGLE_ISSUER: 'http://127.0.0.1:9' })
				)
			).rejects.toThrow(/^google is configured for http:\/\/127\.0\.0\.1:9 \(AUTH_GOOGLE_ISSUER\)/);
		});
	},
	{ env: () => GITHUB }
);
