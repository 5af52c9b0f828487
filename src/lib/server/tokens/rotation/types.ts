import type { Account } from '../../db/schema';
import type { RequestClient } from '../../http/request-client';
import type { ProviderSettings } from '../../providers/settings';
import type { AccountKey } from '../account-key';
import type { TokenCipher } from '../cipher';
import type { TokenLife } from '../life';
import type { KeptAnswers } from './kept-answers';
import type { Leases } from './lease';

/** How a refresh ended, for the caller that waited on it and for the memo of settled ones. */
export type RefreshOutcome =
	/** The stored access token is not due (maybe another instance just rotated it). */
	| ({ status: 'fresh' } & TokenLife)
	| ({ status: 'rotated' } & TokenLife)
	/** The provider refused the refresh token for good: the user must sign in again. */
	| { status: 'rejected' }
	/** The account is no longer linked (unlinked from another browser): nothing to refresh. */
	| { status: 'unlinked' }
	/** No configured secret opens the stored tokens: they were forgotten, as at sign-out. */
	| { status: 'forgotten' }
	/**
	 * The refresh token's fate was unknown (sent, no usable answer) and the one prompt retry was
	 * refused or had no usable answer either: its tokens are forgotten, and the user reconnects
	 * that provider (the session stays).
	 */
	| { status: 'lost' }
	/** Provider or database unreachable: keep the session and try again on a later request. */
	| { status: 'unavailable' };

export interface RefreshRequest {
	/** Rotate even a token that is not due ("Refresh now"). */
	force?: boolean;
	/** Who asked, for the audit log (null for background work that no request started). */
	client?: RequestClient | null;
}

/** What a refresh needs from the rotator that runs it. */
export interface RefreshContext extends Leases {
	cipher: TokenCipher;
	providers: ProviderSettings[];
	/** How long a request, or a wait for another holder, waits for a refresh. */
	timeoutMs: number;
	/** How long a refresh waits for the provider's answer, and retries storing it. */
	hardLimitMs: number;
	/** A lease lasts this long from its last renewal (renewed every third of it). */
	leaseMs: number;
	/** Answers this process holds until the database takes them. */
	kept: KeptAnswers;
	now: () => number;
	/** True when the account's token has reached its point of its refresh window now. */
	isDue: (account: AccountKey & TokenLife) => boolean;
	log: (line: string) => void;
}

/** What the refresh log line adds besides the outcome. */
export interface RefreshReport {
	detail?: string;
	/** True when another holder's lease was waited for. */
	waited?: boolean;
	/** True when the refresh token was sent a second time, after an unknown fate. */
	retried?: boolean;
}

/** The lease a refresh holds on an account, and the row as it was when claimed. */
export interface HeldLease {
	key: AccountKey;
	claimId: string;
	row: Account;
}
