import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/env';

/** A held lock on an embedded data directory; `release` is idempotent. */
export interface DataDirLock {
	path: string;
	release: () => void;
}

// Note: PostgreSQL gives up after 100 tries in CreateLockFile; a lock that changes hands that
// often means something else is wrong.
const MAX_TRIES = 100;

/**
 * Takes the lock on the PGlite data directory `dataDir`: the file `<dataDir>.lock`, created
 * exclusively, holding this process's PID. PGlite is one process's database, and two processes on
 * one directory each write its files as if alone, losing committed rows without an error.
 * A lock whose process is gone (a crash, `kill -9`) is taken over. Throws a one-line
 * `ConfigError` naming the directory and the holder's PID while that process lives.
 *
 * The protocol is PostgreSQL's for `postmaster.pid` (which PGlite writes but does not enforce):
 * exclusive create, else read the PID, refuse if it is alive, else delete and retry. Note: PIDs
 * are per host (and per container): two hosts or containers sharing one volume are not detected.
 */
export function lockDataDir(dataDir: string): DataDirLock {
	const path = `${resolve(dataDir)}.lock`;
	for (let tries = 0; tries < MAX_TRIES; tries++) {
		try {
			writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
			return holdLock(path);
		} catch (error) {
			if (errorCode(error) !== 'EEXIST') throw error;
		}
		const holder = readHolder(path);
		if (holder !== null && holder !== process.pid && isAlive(holder)) {
			throw new ConfigError(
				`the PGlite database in ${dataDir} is in use by process ${holder} (lock file ${path}); PGlite serves one process: stop that one first, or set DATABASE_URL`
			);
		}
		// The holder is gone, the file holds no PID (a crash while writing it), or it is this
		// process's own (the dev server re-ran this module without closing): take it over.
		removeFile(path);
	}
	throw new ConfigError(`cannot lock the PGlite database in ${dataDir} (lock file ${path})`);
}

function holdLock(path: string): DataDirLock {
	// Note: also on `process.exit()` without a close (a CLI's error path), so that the next
	// start need not check a PID; a crash leaves the file, and the next start takes it over.
	const release = () => {
		process.off('exit', release);
		if (readHolder(path) === process.pid) removeFile(path);
	};
	process.on('exit', release);
	return { path, release };
}

/** The PID in the lock file, or null when it is gone or holds no PID. */
function readHolder(path: string): number | null {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		if (errorCode(error) === 'ENOENT') return null;
		throw error;
	}
	const pid = Number(text.trim());
	return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** Signal 0 checks that a process exists without touching it; EPERM: it exists, as another user. */
function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return errorCode(error) === 'EPERM';
	}
}

function removeFile(path: string) {
	try {
		unlinkSync(path);
	} catch (error) {
		if (errorCode(error) !== 'ENOENT') throw error;
	}
}

function errorCode(error: unknown): string | undefined {
	return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}
