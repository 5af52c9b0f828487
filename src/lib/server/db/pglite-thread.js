// @ts-check
/**
 * Embedded PGlite on a worker thread of its own, behind a client that drizzle's PGlite driver
 * uses as it would a PGlite: every query runs its WASM Postgres off the event loop that serves
 * requests (docs/performance.md, "The rotation wave"). Queries still take turns, as on one
 * connection, and a transaction holds the database until it ends.
 *
 * Note: plain JavaScript, because a worker's entry must be a file Node runs as it is. The worker
 * runs this very module (`import.meta.url`): the source file under `vite dev` and in tests, its
 * own chunk of the build in production (it is only imported dynamically).
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const ROLE = 'latchkey-pglite';

/**
 * @typedef {object} PgliteOptions
 * @property {string} dataDir a directory, or `memory://`
 * @property {string[]} settings `postgresqlconf` lines
 * @property {string} migrationsFolder applied before the first query
 */

/**
 * The part of PGlite that drizzle's driver calls.
 * @typedef {object} ThreadClient
 * @property {(sql: string, params?: unknown[], options?: QueryOptions) => Promise<Results>} query
 * @property {<T>(work: (tx: { query: ThreadClient['query'] }) => Promise<T>) => Promise<T>} transaction
 */

/**
 * What drizzle passes: `parsers` only ever keep a type as the text Postgres sent (timestamps,
 * dates, intervals), and that is what crosses to the thread, as a list of type ids.
 * @typedef {{ rowMode?: 'array' | 'object', parsers?: Record<number, unknown> }} QueryOptions
 * @typedef {{ rows: unknown[], fields: unknown[], affectedRows?: number }} Results
 */

/** @typedef {{ message: string, code?: string }} ErrorReport */

/**
 * @typedef {{ op: 'query', sql: string, params: unknown[], rowMode: 'array' | 'object', textTypes: number[], tx?: number }
 *   | { op: 'begin', tx: number } | { op: 'end', tx: number, commit: boolean } | { op: 'close' }} Request
 */

/**
 * Starts PGlite on a new thread, applies the migrations there, and resolves once it takes
 * queries; rejects with PGlite's own error when it cannot open or migrate the database. The
 * thread keeps the process alive only while a query is under way, as PGlite in the process would.
 * After the thread dies, every query fails with the code CONNECTION_CLOSED (an unavailable
 * database, not a bad query).
 * @param {PgliteOptions} options
 * @returns {Promise<{ client: ThreadClient, close: () => Promise<void> }>}
 */
export async function startPgliteThread(options) {
	const worker = new Worker(new URL(import.meta.url), { workerData: { role: ROLE, options } });
	/** @type {Map<number, { resolve: (result: any) => void, reject: (error: Error) => void }>} */
	const pending = new Map();
	/** @type {Error | null} */
	let gone = null;
	let nextId = 0;

	const stopped = (/** @type {string} */ why) => {
		// Note: a thread that failed also exits; the first reason is the one worth reporting.
		gone ??= Object.assign(new Error(`the PGlite thread ${why}`), { code: 'CONNECTION_CLOSED' });
		for (const { reject } of pending.values()) reject(gone);
		pending.clear();
	};
	worker.on('error', (error) => stopped(`failed: ${error.message}`));
	worker.on('exit', () => stopped('has stopped'));
	await new Promise((resolve, reject) => {
		worker.once('message', (/** @type {{ failed?: ErrorReport }} */ first) =>
			first.failed === undefined ? resolve(undefined) : reject(revive(first.failed))
		);
		worker.once('exit', () => reject(gone));
	}).catch(async (error) => {
		await worker.terminate();
		throw error;
	});
	worker.on(
		'message',
		(/** @type {{ id: number, result?: unknown, error?: ErrorReport }} */ reply) => {
			const waiting = pending.get(reply.id);
			pending.delete(reply.id);
			if (pending.size === 0) worker.unref();
			if (reply.error === undefined) waiting?.resolve(reply.result);
			else waiting?.reject(revive(reply.error));
		}
	);
	worker.unref();

	/** @param {Request} request */
	const send = (request) =>
		new Promise((resolve, reject) => {
			if (gone !== null) return reject(gone);
			const id = nextId++;
			pending.set(id, { resolve, reject });
			worker.ref();
			worker.postMessage({ id, ...request });
		});
	/** @param {number} [tx] @returns {ThreadClient['query']} */
	const query =
		(tx) =>
		(sql, params = [], { rowMode = 'object', parsers = {} } = {}) =>
			send({ op: 'query', sql, params, rowMode, textTypes: Object.keys(parsers).map(Number), tx });

	return {
		client: {
			query: query(),
			async transaction(work) {
				const tx = nextId++;
				await send({ op: 'begin', tx });
				let result;
				try {
					result = await work({ query: query(tx) });
				} catch (error) {
					await send({ op: 'end', tx, commit: false }).catch(() => {});
					throw error;
				}
				await send({ op: 'end', tx, commit: true });
				return result;
			}
		},
		close: async () => {
			if (gone === null) await send({ op: 'close' });
			await worker.terminate();
		}
	};
}

/** @param {ErrorReport} report */
function revive({ message, code }) {
	return Object.assign(new Error(message), code === undefined ? {} : { code });
}

/** @param {unknown} error @returns {ErrorReport} */
function report(error) {
	if (!(error instanceof Error)) return { message: String(error) };
	const code = Reflect.get(error, 'code');
	return { message: error.message, ...(typeof code === 'string' && { code }) };
}

/**
 * The thread's side: opens and migrates the database, reports that (or why not), then answers
 * each request in turn of PGlite's own queue.
 * @param {PgliteOptions} options
 * @param {import('node:worker_threads').MessagePort} port
 */
async function serve({ dataDir, settings, migrationsFolder }, port) {
	let db;
	try {
		db = new PGlite(dataDir, { postgresqlconf: settings });
		await migrate(drizzle(db), { migrationsFolder });
	} catch (error) {
		port.postMessage({ failed: report(error) });
		return;
	}
	const pglite = db;
	/** @type {Map<number, { tx: import('@electric-sql/pglite').Transaction, finish: (commit: boolean) => void, done: Promise<void> }>} */
	const open = new Map();
	const keepAsText = (/** @type {unknown} */ text) => text;

	/** @param {Request} request */
	const handle = async (request) => {
		switch (request.op) {
			case 'query': {
				const target = request.tx === undefined ? pglite : open.get(request.tx)?.tx;
				if (target === undefined) throw new Error('That transaction has ended');
				const parsers = Object.fromEntries(request.textTypes.map((type) => [type, keepAsText]));
				const { rows, fields, affectedRows } = await target.query(request.sql, request.params, {
					rowMode: request.rowMode,
					parsers
				});
				return { rows, fields, affectedRows };
			}
			case 'begin':
				return begin(request.tx);
			case 'end': {
				const entry = open.get(request.tx);
				open.delete(request.tx);
				entry?.finish(request.commit);
				await entry?.done;
				return null;
			}
			case 'close':
				await pglite.close();
				return null;
		}
	};

	/**
	 * Opens transaction `id` and resolves once it holds the database; it ends (commit or
	 * rollback) when its `end` request comes.
	 * @param {number} id
	 */
	const begin = (id) =>
		new Promise((resolve, reject) => {
			/** @type {(commit: boolean) => void} */
			let finish = () => {};
			const finished = new Promise((settle) => (finish = settle));
			// Note: PGlite calls this once it holds the database, after `done` is assigned.
			const done = pglite.transaction(async (tx) => {
				open.set(id, { tx, finish, done });
				resolve(null);
				if (!(await finished)) await tx.rollback();
			});
			done.catch(reject);
		});

	port.on('message', (/** @type {Request & { id: number }} */ request) => {
		handle(request).then(
			(result) => port.postMessage({ id: request.id, result }),
			(error) => port.postMessage({ id: request.id, error: report(error) })
		);
	});
	port.postMessage({ ready: true });
}

if (!isMainThread && workerData?.role === ROLE && parentPort !== null) {
	void serve(workerData.options, parentPort);
}
