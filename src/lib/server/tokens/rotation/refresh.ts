/**
 * One refresh, top to bottom: claim the account's lease (or wait for its holder and use what it
 * stored), send the refresh token to the provider holding no transaction and no connection,
 * then store the answer and release the lease in one conditional UPDATE. An answer the database
 * cannot take yet is kept in memory and stored later; one nobody can use any more is revoked.
 * The lease itself is in `lease.ts`, and the callers' side (single flight, memo, shutdown) in
 * `token-rotator.ts`.
 */
import { and, eq } from 'drizzle-orm';
import { PROVIDER_REVOCATION_TIMEOUT_MS } from '$lib/timings';
import type { Database } from '../../db';
import { describeDatabaseError } from '../../db/errors';
import { accounts, type Account } from '../../db/schema';
import type { RequestClient } from '../../http/request-client';
import { countLeaseWait, countRefresh, measureProviderCall } from '../../metrics/refreshes';
import { refreshAtProvider, type IssuedTokens, type RefreshResult } from '../../providers/refresh';
import { revokeAtProvider } from '../../providers/revoke';
import type { ProviderSettings } from '../../providers/settings';
import { accountKeyId, type AccountKey } from '../account-key';
import { canOpenStoredTokens, FORGOTTEN_TOKENS, sealIssuedTokens } from '../accounts';
import type { TokenCipher } from '../cipher';
import { lifeOf, type TokenLife } from '../life';
import {
	claimRefresh,
	keepLeaseWhile,
	settleRefresh,
	waitForRelease,
	type HeldLease,
	type Leases,
	type SettledEvent
} from './lease';

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
interface RefreshReport {
	detail?: string;
	/** True when another holder's lease was waited for. */
	waited?: boolean;
	/** True when the refresh token was sent a second time, after an unknown fate. */
	retried?: boolean;
}

/**
 * Refreshes the stored tokens of `key` so that the provider sees each refresh token once, across
 * every instance: claim the account's lease, call the provider holding no transaction and no
 * connection, then store the new tokens and release the lease in one conditional UPDATE (see
 * `lease.ts`). When another holder has the lease, waits for its release (at most `timeoutMs`) and
 * uses what it stored. Never throws: a database error is an `unavailable` outcome. Logs one JSON
 * line per call, with no token in it.
 */
export async function refreshUnderLease(
	key: AccountKey,
	request: RefreshRequest,
	context: RefreshContext
): Promise<RefreshOutcome> {
	const started = context.now();
	const report: RefreshReport = {};
	let outcome: RefreshOutcome;
	try {
		outcome = await claimAndRefresh(key, request, context, report);
	} catch (error) {
		report.detail = describeDatabaseError(error);
		outcome = { status: 'unavailable' };
	}
	countRefresh(key.provider, outcome.status);
	context.log(
		JSON.stringify({
			event: 'token_refresh',
			// Note: no account or user id: a provider's account id names a person.
			provider: key.provider,
			outcome: outcome.status,
			...report,
			durationMs: context.now() - started
		})
	);
	return outcome;
}

async function claimAndRefresh(
	key: AccountKey,
	request: RefreshRequest,
	context: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	const claim = await claimRefresh(context.db, key, context.leaseMs);
	if (claim.status === 'unlinked') return { status: 'unlinked' };
	if (claim.status === 'held') return useOtherHoldersTokens(key, context, report);
	const held = { key, claimId: claim.claimId, row: claim.row };
	try {
		return await refreshHeld(held, request, context, report);
	} catch (error) {
		// Note: a lease left behind would only delay the next refresh until it runs out.
		await settleRefresh(context, key, held.claimId).catch(() => {});
		throw error;
	}
}

/** Another instance (or a refresh that died) holds the lease: use what it stores. */
async function useOtherHoldersTokens(
	key: AccountKey,
	context: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	report.waited = true;
	const outcome = await waitForOtherHolder(key, context);
	countLeaseWait(key.provider, outcome.status);
	return outcome;
}

async function waitForOtherHolder(
	key: AccountKey,
	context: RefreshContext
): Promise<RefreshOutcome> {
	const { timeoutMs, now, isDue } = context;
	const row = await waitForRelease(context, key, now() + timeoutMs, now);
	if (row === null) return { status: 'unlinked' };
	if (row === 'held' || isDue({ ...key, ...lifeOf(row) })) return { status: 'unavailable' };
	return { status: 'fresh', ...lifeOf(row) };
}

/** With the lease held: rotate when due (or forced) and possible, else release it as it was. */
async function refreshHeld(
	held: HeldLease,
	{ force = false, client = null }: RefreshRequest,
	context: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	const { key, claimId, row } = held;
	// Note: sealed under a removed secret, they would fail every refresh as an outage, forever.
	if (!(await canOpenStoredTokens(row, context.cipher))) {
		report.detail = 'sealed under a secret that is no longer configured: forgotten';
		await settleRefresh(context, key, claimId, FORGOTTEN_TOKENS);
		return { status: 'forgotten' };
	}
	const life = lifeOf(row);
	const due = context.isDue({ ...key, ...life });
	if (!force && !due) {
		await settleRefresh(context, key, claimId);
		return { status: 'fresh', ...life };
	}
	const settings = context.providers.find(({ id }) => id === key.provider);
	if (row.refresh_token === null || settings === undefined) {
		await settleRefresh(context, key, claimId);
		// Nothing to rotate with: fine while the token lasts, final once it is due.
		if (row.refresh_token !== null) return { status: 'unavailable' };
		return due ? { status: 'rejected' } : { status: 'fresh', ...life };
	}
	return rotateAtProvider(held, row.refresh_token, settings, client, context, report);
}

// What forgetting a lost grant's tokens stores: nothing is due until the user reconnects.
const NO_TOKENS = {
	access_token: null,
	refresh_token: null,
	id_token: null,
	expires_at: null,
	tokenIssuedAt: null
};

/**
 * With the lease held (and renewed meanwhile): sends the refresh token to the provider, waiting
 * for its answer up to the hard limit, and stores the answer with its audit event in the
 * statement that releases the lease, only while the lease is still ours. An answer is never
 * dropped because the database is down: it is kept (sealed) in memory and stored when the
 * database is back (`storeAnswer`). A definitive refusal forgets the refresh token, so that no
 * instance sends it again; an unspent one only releases the lease; an unknown fate gets one
 * prompt retry (`sendWithOneRetry`), and is `lost` when that does not bring tokens either.
 */
async function rotateAtProvider(
	held: HeldLease,
	sealedRefreshToken: string,
	settings: ProviderSettings,
	client: RequestClient | null,
	context: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	const { key, claimId } = held;
	const refreshToken = await context.cipher.decrypt(sealedRefreshToken);
	const result = await keepLeaseWhile(context.db, held, context.leaseMs, () =>
		sendWithOneRetry(held, refreshToken, settings, context, report)
	);
	const event = { client, at: new Date(context.now()) };
	if (result.ok) return storeAnswer(held, result.tokens, settings, event, context, report);
	report.detail = result.reason;
	if (result.fate === 'unspent') {
		await settleRefresh(context, key, claimId);
		return { status: 'unavailable' };
	}
	if (report.retried) {
		await settleRefresh(context, key, claimId, NO_TOKENS, { ...event, event: 'refresh_lost' });
		return { status: 'lost' };
	}
	await settleRefresh(
		context,
		key,
		claimId,
		{ refresh_token: null },
		{ ...event, event: 'refresh_failed' }
	);
	return { status: 'rejected' };
}

/**
 * One send, and when its fate is unknown one prompt retry with the same refresh token: a
 * provider that never got it, or one with a reuse grace period (Okta, Auth0), answers it; one
 * with strict reuse detection refuses it, and its grant was lost with the answer anyway. The
 * token is never sent a third time for that unknown fate.
 */
async function sendWithOneRetry(
	{ key }: HeldLease,
	refreshToken: string,
	settings: ProviderSettings,
	{ hardLimitMs, now }: RefreshContext,
	report: RefreshReport
): Promise<RefreshResult> {
	const send = () =>
		measureProviderCall(key.provider, () =>
			refreshAtProvider(settings, refreshToken, hardLimitMs, now)
		);
	const first = await send();
	if (first.ok || first.fate !== 'unknown') return first;
	report.retried = true;
	return send();
}

/**
 * Stores the provider's answer. When the database cannot take it, the answer is kept in memory
 * (`KeptAnswers`) and the store retried with backoff, the lease renewed meanwhile, up to the hard
 * limit; the refresh counts as rotated at once, so this process's requests use the new tokens.
 */
async function storeAnswer(
	held: HeldLease,
	tokens: IssuedTokens,
	settings: ProviderSettings,
	event: Omit<SettledEvent, 'event'>,
	context: RefreshContext,
	report: RefreshReport
): Promise<RefreshOutcome> {
	const { key, claimId, row } = held;
	const update = await sealIssuedTokens(tokens, row, context.cipher, event.at);
	const store = () =>
		settleRefresh(context, key, claimId, update, { ...event, event: 'token_refreshed' });
	const rotated: RefreshOutcome = { status: 'rotated', ...lifeOf(update) };
	try {
		if (await store()) return rotated;
	} catch (error) {
		report.detail = `kept until the database is back: ${describeDatabaseError(error)}`;
		const started = context.now();
		const storing = keepLeaseWhile(context.db, held, context.leaseMs, () =>
			storeWithRetries(store, started + context.hardLimitMs, context.now)
		).then(async (outcome) => {
			const revoked =
				outcome === 'refused' && (await dropOrphanedAnswer(context.db, key, tokens, settings));
			context.log(
				JSON.stringify({
					event: 'token_store',
					provider: key.provider,
					outcome,
					...(revoked && { revoked }),
					durationMs: context.now() - started
				})
			);
		});
		context.kept.keep(
			key,
			update,
			storing.catch(() => {})
		);
		return rotated;
	}
	const revoked = await dropOrphanedAnswer(context.db, key, tokens, settings);
	report.detail = revoked
		? 'tokens forgotten meanwhile: the new ones were revoked'
		: 'lease lost: another refresh took over';
	return { status: 'unavailable' };
}

/**
 * An answer whose store was refused is dropped. When the account was forgotten meanwhile (the
 * user signed out of their last session, or unlinked it), the new tokens are revoked at the
 * provider too: nothing will ever use them, and the user asked for the grant to end. When another
 * refresh took the lease over instead, they are only dropped: revoking could end the grant that
 * refresh stored. True when they were revoked.
 */
async function dropOrphanedAnswer(
	db: Database,
	key: AccountKey,
	tokens: IssuedTokens,
	settings: ProviderSettings
): Promise<boolean> {
	const [row] = await db
		.select({ accessToken: accounts.access_token, refreshToken: accounts.refresh_token })
		.from(accounts)
		.where(
			and(
				eq(accounts.provider, key.provider),
				eq(accounts.providerAccountId, key.providerAccountId)
			)
		);
	const forgotten = row === undefined || (row.accessToken === null && row.refreshToken === null);
	if (!forgotten) return false;
	return revokeAtProvider(
		settings,
		{ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? null },
		PROVIDER_REVOCATION_TIMEOUT_MS
	);
}

/** An answer as it will be stored: sealed tokens and their life. */
export type SealedAnswer = Partial<Account> & Pick<Account, 'expires_at' | 'tokenIssuedAt'>;

/** How a kept answer's store ended. */
type StoreOutcome =
	| 'stored'
	/** The conditional store matched no row: the lease was taken over, or the tokens forgotten. */
	| 'refused'
	/** The database stayed unreachable past the refresh's hard limit. */
	| 'abandoned';

// Retrying a store: first after this long, then doubling up to the cap.
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;

/**
 * Runs `store` (a conditional store that is true when it stored) until it stores or refuses, or
 * until `deadline` (epoch ms) passes; a database error is retried with backoff.
 */
async function storeWithRetries(
	store: () => Promise<boolean>,
	deadline: number,
	now: () => number
): Promise<StoreOutcome> {
	let pause = FIRST_RETRY_MS;
	for (;;) {
		try {
			return (await store()) ? 'stored' : 'refused';
		} catch {
			// Note: an unreachable database; the lease keeper renews the lease meanwhile.
		}
		if (now() + pause > deadline) return 'abandoned';
		await new Promise((resolve) => setTimeout(resolve, pause));
		pause = Math.min(pause * 2, MAX_RETRY_MS);
	}
}

/**
 * Provider answers that this process holds but could not store yet (the database was down), by
 * account: sealed exactly as they will be stored, so only the key ring can read them. Requests in
 * this process use them meanwhile, and shutdown waits for their stores.
 */
export class KeptAnswers {
	readonly #kept = new Map<string, { update: SealedAnswer; storing: Promise<unknown> }>();

	/** The sealed tokens kept for `key`, or null when none wait to be stored. */
	find(key: AccountKey): SealedAnswer | null {
		return this.#kept.get(accountKeyId(key))?.update ?? null;
	}

	/** Keeps `update` for `key` until `storing` settles. */
	keep(key: AccountKey, update: SealedAnswer, storing: Promise<unknown>): void {
		const id = accountKeyId(key);
		const entry = { update, storing };
		this.#kept.set(id, entry);
		void storing.finally(() => {
			if (this.#kept.get(id) === entry) this.#kept.delete(id);
		});
	}

	/** Resolves once every kept answer's store has ended. */
	async settled(): Promise<void> {
		await Promise.allSettled([...this.#kept.values()].map(({ storing }) => storing));
	}
}
