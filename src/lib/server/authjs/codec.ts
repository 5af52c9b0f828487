import type { JWT, JWTDecodeParams, JWTEncodeParams } from '@auth/core/jwt';
import { EncryptJWT, decodeProtectedHeader, jwtDecrypt } from 'jose';
import { LRUCache } from 'lru-cache';
import { absoluteEndOf } from '../session/lifetime';
import type { SessionSettings } from '../session/policy';
import {
	SESSION_ENCRYPTIONS,
	createSessionKeys,
	isEncryption,
	type Encryption,
	type SessionKeys
} from './session-keys';

const ENC: Encryption = 'A256GCM';
// Note: Auth.js's own decode allows this much clock skew on `exp`; so do we.
const CLOCK_TOLERANCE_SECONDS = 15;
// Auth.js's default session lifetime, when the caller gives none.
const DEFAULT_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** How the session cookie is encoded, under which secrets, and how long it lives. */
export interface SessionPolicy extends SessionSettings {
	codec: SessionCodec;
	/** The first encrypts (the newest, unless AUTH_SECRET_ENCRYPTS says), and each decrypts. */
	secrets: string[];
	/** Secrets newer than the first: a cookie under one is not re-issued (see `readAcceptedOnlySecrets`). */
	acceptedOnlySecrets: string[];
}

export interface SessionCodec {
	encode(params: JWTEncodeParams): Promise<string>;
	decode(params: JWTDecodeParams): Promise<JWT | null>;
	/** Whether one of the secrets `secret` lists sealed `token` (by its `kid`). */
	isSealedByOneOf(params: SealedTokenParams): Promise<boolean>;
	/**
	 * Whether `token` is a session token that names a key no secret of this instance derives:
	 * sealed by an instance that has a secret this one lacks (a new one rolling out, or one
	 * retired here). Such a cookie is read as signed out but never cleared. False for anything
	 * that is no session token at all.
	 */
	namesUnknownKey(params: SealedTokenParams): Promise<boolean>;
}

interface SealedTokenParams {
	token: string;
	secret: string | string[];
	salt: string;
}

/** The decoded claims by ciphertext, for one secret list and salt (cookie name). */
type DecodedTokens = (secrets: string[], salt: string) => LRUCache<string, JWT>;

/**
 * Auth.js's session token `encode`/`decode`, in Auth.js's own format (its HKDF derivation, `dir`
 * JWE and `kid`), so the cookies of either one are read by the other. Two things make it cheap:
 * - keys and their thumbprints are derived once per secret, salt and encryption, not per call;
 * - decoded tokens are memoized by their exact ciphertext in a bounded LRU. A JWE is
 *   authenticated, so the same bytes always give the same claims; `exp` is still checked on
 *   every use. The claims come back deeply frozen, shared by every use of that token: callers
 *   build a new object to change them (a copy per call cost more than the decode itself).
 */
export function createSessionCodec({
	cacheSize = 5_000,
	absoluteMaxAgeSeconds = Infinity
} = {}): SessionCodec {
	const keyFor = createSessionKeys();
	const decodedBy = new Map<string, LRUCache<string, JWT>>();
	const decodedTokens: DecodedTokens = (secrets, salt) => {
		const id = `${salt}\n${secrets.join('\n')}`;
		let cache = decodedBy.get(id);
		if (cache === undefined) {
			cache = new LRUCache({ max: cacheSize });
			decodedBy.set(id, cache);
		}
		return cache;
	};
	return {
		encode: (params) => encodeSession(params, absoluteMaxAgeSeconds, keyFor, decodedTokens),
		decode: (params) => decodeSession(params, keyFor, decodedTokens),
		async isSealedByOneOf({ token, secret, salt }) {
			const { kid } = decodeProtectedHeader(token);
			const keys = await Promise.all([secret].flat().map((each) => keyFor(each, salt, ENC)));
			return keys.some((key) => key.kid === kid);
		},
		async namesUnknownKey({ token, secret, salt }) {
			let header;
			try {
				header = decodeProtectedHeader(token);
			} catch {
				return false;
			}
			const { kid, enc } = header;
			if (typeof kid !== 'string' || typeof enc !== 'string' || !isEncryption(enc)) return false;
			const keys = await Promise.all([secret].flat().map((each) => keyFor(each, salt, enc)));
			return keys.every((key) => key.kid !== kid);
		}
	};
}

async function encodeSession(
	{ token = {}, secret, salt, maxAge = DEFAULT_MAX_AGE_SECONDS }: JWTEncodeParams,
	absoluteMaxAgeSeconds: number,
	keyFor: SessionKeys,
	decodedTokens: DecodedTokens
): Promise<string> {
	const [current] = [secret].flat();
	if (current === undefined) throw new Error('No secret to encode the session with');
	const { key, kid } = await keyFor(current, salt, ENC);
	const iat = nowSeconds();
	// A re-issue moves `exp` on, but never past the session's absolute end.
	const exp = Math.min(iat + maxAge, absoluteEndOf(token, absoluteMaxAgeSeconds) ?? Infinity);
	// The claims exactly as a decode will read them back (JSON drops undefined fields).
	const claims: JWT = deepFreeze(
		JSON.parse(JSON.stringify({ ...token, iat, exp, jti: crypto.randomUUID() }))
	);
	const jwe = await new EncryptJWT(claims)
		.setProtectedHeader({ alg: 'dir', enc: ENC, kid })
		.encrypt(key);
	// The browser sends it back on its next request: that decode needs no decryption.
	decodedTokens([secret].flat(), salt).set(jwe, claims);
	return jwe;
}

async function decodeSession(
	{ token, secret, salt }: JWTDecodeParams,
	keyFor: SessionKeys,
	decodedTokens: DecodedTokens
): Promise<JWT | null> {
	if (!token) return null;
	const secrets = [secret].flat();
	const decoded = decodedTokens(secrets, salt);
	const cached = decoded.get(token);
	if (cached !== undefined) {
		if (isExpired(cached)) {
			decoded.delete(token);
			return null;
		}
		return cached;
	}
	const claims = deepFreeze(await decryptClaims(token, secrets, salt, keyFor));
	decoded.set(token, claims);
	return claims;
}

/** Decrypts with whichever secret's key the token names (any, for a token without `kid`). */
async function decryptClaims(
	token: string,
	secrets: string[],
	salt: string,
	keyFor: SessionKeys
): Promise<JWT> {
	const { payload } = await jwtDecrypt<JWT>(
		token,
		async ({ kid, enc }) => {
			if (!isEncryption(enc)) throw new Error(`Unsupported session encryption ${enc}`);
			for (const candidate of secrets) {
				const key = await keyFor(candidate, salt, enc);
				if (kid === undefined || kid === key.kid) return key.key;
			}
			throw new Error('No secret matches the session token');
		},
		{
			clockTolerance: CLOCK_TOLERANCE_SECONDS,
			keyManagementAlgorithms: ['dir'],
			contentEncryptionAlgorithms: SESSION_ENCRYPTIONS
		}
	);
	return payload;
}

/** Freezes JSON claims and everything in them. */
function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		for (const inner of Object.values(value)) deepFreeze(inner);
		Object.freeze(value);
	}
	return value;
}

function isExpired(claims: JWT): boolean {
	return typeof claims.exp === 'number' && claims.exp + CLOCK_TOLERANCE_SECONDS < nowSeconds();
}

function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}
