import type { AdapterAccountType } from '@auth/core/adapters';
import type { ProviderId } from '$lib/auth/types';
import {
	bigserial,
	index,
	integer,
	pgTable,
	primaryKey,
	text,
	timestamp
} from 'drizzle-orm/pg-core';

// Tables for running the cluster rather than for users: rate limits, maintenance runs, issuers.
export { maintenanceRuns, providerIssuers, rateLimits } from './operations-schema';

// The Auth.js tables, shaped as @auth/drizzle-adapter expects (property names included),
// with plural table names and snake_case columns.

export const users = pgTable('users', {
	id: text('id')
		.primaryKey()
		.$defaultFn(() => crypto.randomUUID()),
	name: text('name'),
	email: text('email').unique(),
	emailVerified: timestamp('email_verified', { mode: 'date' }),
	image: text('image')
});

/**
 * One row per linked provider account. The token columns hold JWE ciphertext
 * (see `$lib/server/tokens/cipher.ts`), never a plain token.
 */
export const accounts = pgTable(
	'accounts',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		type: text('type').$type<AdapterAccountType>().notNull(),
		provider: text('provider').$type<ProviderId>().notNull(),
		providerAccountId: text('provider_account_id').notNull(),
		refresh_token: text('refresh_token'),
		access_token: text('access_token'),
		expires_at: integer('expires_at'),
		token_type: text('token_type'),
		scope: text('scope'),
		id_token: text('id_token'),
		session_state: text('session_state'),
		/** When the tokens were last replaced by a refresh (null until the first one). */
		rotatedAt: timestamp('rotated_at', { mode: 'date', withTimezone: true }),
		/**
		 * When the access token was issued (seconds since the epoch, like `expires_at`): with the
		 * expiry it gives the token's lifetime, which bounds its refresh window.
		 */
		tokenIssuedAt: integer('token_issued_at'),
		/**
		 * The refresh lease: which refresh holds the right to rotate these tokens, and until when
		 * (see `$lib/server/tokens/rotation/lease.ts`). Null when no refresh is under way.
		 */
		refreshClaimId: text('refresh_claim_id'),
		refreshClaimedUntil: timestamp('refresh_claimed_until', { mode: 'date', withTimezone: true })
	},
	(account) => [
		primaryKey({ columns: [account.provider, account.providerAccountId] }),
		index('accounts_user_id_idx').on(account.userId)
	]
);

/**
 * One row per sign-in (a browser's session): the JWT carries its id as `sid`, and the jwt
 * callback checks it at most once a minute, so that a revoked row signs that browser out.
 */
export const userSessions = pgTable(
	'user_sessions',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { mode: 'date', withTimezone: true }).notNull().defaultNow(),
		lastSeenAt: timestamp('last_seen_at', { mode: 'date', withTimezone: true })
			.notNull()
			.defaultNow(),
		/** Short and readable, e.g. "Chrome on Linux"; the raw header is not kept. */
		userAgent: text('user_agent').notNull(),
		ip: text('ip').notNull(),
		/**
		 * The browser and address of the last session check (at most once per check interval):
		 * beside the sign-in's own, they show a cookie used from somewhere else. Note: nullable, so
		 * that the previous release still inserts rows during a rolling restart; null reads as the
		 * sign-in's own.
		 */
		lastUserAgent: text('last_user_agent'),
		lastIp: text('last_ip'),
		revokedAt: timestamp('revoked_at', { mode: 'date', withTimezone: true })
	},
	(session) => [index('user_sessions_user_id_idx').on(session.userId)]
);

/**
 * What happened to a user's sign-ins, newest last: shown on /account/sessions. A user's events
 * are deleted with them; `account_deleted` is then recorded with no user (null), so that the log
 * keeps that an account was deleted, when and from where, but not whose.
 */
export const auditEvents = pgTable(
	'audit_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
		event: text('event').$type<AuditEventName>().notNull(),
		/** e.g. the provider of a sign-in or a link, never a token. */
		detail: text('detail'),
		at: timestamp('at', { mode: 'date', withTimezone: true }).notNull().defaultNow(),
		ip: text('ip'),
		userAgent: text('user_agent')
	},
	(event) => [index('audit_events_user_id_at_idx').on(event.userId, event.at)]
);

export type AuditEventName =
	| 'sign_in'
	| 'sign_out'
	| 'session_revoked'
	| 'token_refreshed'
	| 'refresh_failed'
	/** A refresh token's fate was unknown twice: its tokens were forgotten (reconnect). */
	| 'refresh_lost'
	| 'account_linked'
	| 'account_unlinked'
	| 'account_deleted';

export type User = typeof users.$inferSelect;
export type Account = typeof accounts.$inferSelect;
export type UserSession = typeof userSessions.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
