import { getContext, setContext } from 'svelte';
import { PATHS } from '$lib/paths';
import { SESSION_EXPIRY_WARNING_MS, SESSION_STATUS_TTL_MS } from '$lib/timings';
import type {
	PageSession,
	SessionError,
	SessionState,
	SessionStatusBody,
	SessionUser,
	StatusUnavailable
} from './types';

/**
 * The browser's view of the session, for components (`{#if session.isAuthenticated}`) and the
 * navigation guard. It starts from the session the server rendered and is kept fresh by
 * `/api/get-session-status`, asked at most once per `SESSION_STATUS_TTL_MS` unless forced.
 * One store per app (see `provideSession`): never a module singleton, which the server would
 * share between users.
 */
export class SessionStore {
	/** Who the page data says is signed in (name, image): may lag behind `userId`. */
	user = $state<SessionUser | null>(null);
	/** Who the server last said is signed in, by page data or status answer. */
	userId = $state<string | null>(null);
	/** When the session ends, in epoch milliseconds. */
	expiresAt = $state<number | null>(null);
	error = $state<SessionError | StatusUnavailable | null>(null);
	isLoading = $state(false);

	readonly isAuthenticated = $derived(
		this.user !== null && this.user.id === this.userId && this.error !== 'RefreshTokenError'
	);

	#fetch: typeof fetch;
	#seeded: PageSession | null | undefined;
	#checkedAt = -Infinity;
	#asking: Promise<SessionState | 'unknown'> | null = null;

	constructor(session: PageSession | null, fetchFn: typeof fetch = (...args) => fetch(...args)) {
		this.#fetch = fetchFn;
		this.seed(session);
	}

	/** Takes the session the server just rendered: as good as a fresh status answer. */
	seed(session: PageSession | null): void {
		if (session === this.#seeded) return;
		this.#seeded = session;
		this.user = session?.user ?? null;
		this.userId = session?.user.id ?? null;
		this.expiresAt = session === null ? null : Date.parse(session.expires);
		this.error = session?.error ?? null;
		this.#checkedAt = Date.now();
	}

	/** The session's state while the last word on it is fresh; `undefined` when it is time to ask. */
	peek(): SessionState | undefined {
		return Date.now() - this.#checkedAt < SESSION_STATUS_TTL_MS ? this.#state() : undefined;
	}

	/**
	 * The session's state: from the cache while it is fresh, else from the server, one request at
	 * a time however many ask. A network error or an unexpected answer gives `'unknown'`: it sets
	 * `error` for one friendly message, keeps the user signed in and is not cached.
	 */
	check({ force = false } = {}): Promise<SessionState | 'unknown'> {
		const known = force ? undefined : this.peek();
		if (known !== undefined) return Promise.resolve(known);
		this.#asking ??= this.#ask(PATHS.sessionStatus, { cache: 'no-store' }).finally(
			() => (this.#asking = null)
		);
		return this.#asking;
	}

	/** "Stay signed in": the server re-issues the session with a new expiry. */
	async extend(): Promise<void> {
		await this.#ask(PATHS.extendSession, { method: 'POST' });
	}

	/** Makes the next check ask the server. */
	invalidate(): void {
		this.#checkedAt = -Infinity;
	}

	/**
	 * `fetch` for the app's own endpoints: a 401 means the session ended here or elsewhere, so
	 * the status is asked again at once.
	 */
	async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
		const response = await this.#fetch(input, init);
		if (response.status === 401) void this.check({ force: true });
		return response;
	}

	/** True when the session ends within `SESSION_EXPIRY_WARNING_MS` of `now`. */
	endsSoon(now = Date.now()): boolean {
		return this.expiresAt !== null && this.expiresAt - now <= SESSION_EXPIRY_WARNING_MS;
	}

	#state(): SessionState {
		return this.userId !== null && this.error !== 'RefreshTokenError' ? 'signed-in' : 'signed-out';
	}

	async #ask(path: string, init: RequestInit): Promise<SessionState | 'unknown'> {
		this.isLoading = true;
		try {
			const response = await this.#fetch(path, init);
			if (response.status !== 200 && response.status !== 401) return this.#unavailable();
			this.#apply((await response.json()) as SessionStatusBody);
			return this.#state();
		} catch {
			return this.#unavailable();
		} finally {
			this.isLoading = false;
		}
	}

	#apply(body: SessionStatusBody): void {
		this.#checkedAt = Date.now();
		if (body.status === 200) {
			this.userId = body.userId;
			this.expiresAt = Date.parse(body.expires);
			this.error = null;
		} else if (body.error !== undefined) {
			this.error = body.error;
		} else {
			this.userId = null;
			this.expiresAt = null;
			this.error = null;
		}
	}

	#unavailable(): 'unknown' {
		if (this.error !== 'RefreshTokenError') this.error = 'StatusUnavailable';
		return 'unknown';
	}
}

const CONTEXT = Symbol('session');

/** Creates the app's session store and makes it available to every component below. */
export function provideSession(session: PageSession | null): SessionStore {
	return setContext(CONTEXT, new SessionStore(session));
}

/** The app's session store, from a component below the root layout. */
export function useSession(): SessionStore {
	return getContext<SessionStore>(CONTEXT);
}
