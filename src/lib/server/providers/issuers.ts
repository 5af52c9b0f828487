import { eq } from 'drizzle-orm';
import type { ProviderId } from '$lib/auth/types';
import { ConfigError } from '../config/env';
import type { Database } from '../db';
import { providerIssuers } from '../db/schema';
import { endpointVariable, type ProviderSettings } from './settings';

/** Where GitHub's and Google's users come from when env names no other server. */
const PUBLIC_ISSUERS: Partial<Record<ProviderId, string>> = {
	github: 'https://github.com',
	google: 'https://accounts.google.com'
};

/** The issuer whose users `settings` signs in: its configured server, or the public one. */
function configuredIssuer(settings: ProviderSettings): string {
	return settings.endpoint ?? PUBLIC_ISSUERS[settings.id]!;
}

/**
 * Records each configured provider's issuer the first time it is configured, and throws a
 * ConfigError when one is configured with another issuer than the one recorded. Accounts are
 * keyed by provider and the issuer's user id (`sub`), which names nobody, or somebody else, at
 * another issuer: signing its users in would hand them the old issuer's users with the same id.
 * Moving deliberately is an update of `provider_issuers` (docs/operations.md, "Changing a provider's issuer").
 */
export async function checkProviderIssuers(
	database: Database,
	providers: readonly ProviderSettings[]
): Promise<void> {
	for (const settings of providers) {
		const issuer = configuredIssuer(settings);
		await database
			.insert(providerIssuers)
			.values({ provider: settings.id, issuer })
			.onConflictDoNothing({ target: providerIssuers.provider });
		const [recorded] = await database
			.select({ issuer: providerIssuers.issuer })
			.from(providerIssuers)
			.where(eq(providerIssuers.provider, settings.id));
		if (recorded !== undefined && recorded.issuer !== issuer) {
			throw new ConfigError(
				`${settings.id} is configured for ${issuer} (${endpointVariable(settings.id)}), but its accounts here belong to ${recorded.issuer}: a user id at one issuer is nobody's at another (see "Changing a provider's issuer" in docs/operations.md)`
			);
		}
	}
}
