import type { ProviderId, ProviderLabel } from '$lib/auth/types';
import { providerName, type ProviderSettings } from './settings';

/** A provider with the name pages show for it (e.g. `AUTH_OIDC_NAME` for the OIDC issuer). */
export function labelProvider(providers: ProviderSettings[], id: ProviderId): ProviderLabel {
	return { id, name: providerName(providers, id) };
}

export function labelProviders(providers: ProviderSettings[], ids: ProviderId[]): ProviderLabel[] {
	return ids.map((id) => labelProvider(providers, id));
}

/** The configured providers, in the order the sign-in page offers them. */
export function offeredProviders(providers: ProviderSettings[]): ProviderLabel[] {
	return providers.map(({ id, name }) => ({ id, name }));
}
