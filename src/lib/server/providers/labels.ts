import type { ProviderId, ProviderLabel } from '$lib/auth/types';
import { tokenServices } from '../config/services';
import { providerName } from './settings';

/** A provider with the name pages show for it (e.g. `AUTH_OIDC_NAME` for the OIDC issuer). */
export function labelProvider(id: ProviderId): ProviderLabel {
	return { id, name: providerName(tokenServices().providers, id) };
}

export function labelProviders(ids: ProviderId[]): ProviderLabel[] {
	return ids.map(labelProvider);
}

/** The configured providers, in the order the sign-in page offers them. */
export function offeredProviders(): ProviderLabel[] {
	return tokenServices().providers.map(({ id, name }) => ({ id, name }));
}
