import type { ProviderId } from '$lib/auth/types';

/** Which account a session refers to: the key of its `accounts` row. */
export interface AccountKey {
	provider: ProviderId;
	providerAccountId: string;
}

/** One string per account, for maps and notification payloads. */
export function accountKeyId(key: AccountKey): string {
	return `${key.provider}:${key.providerAccountId}`;
}
