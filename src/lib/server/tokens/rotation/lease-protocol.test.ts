import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const MODEL = join(import.meta.dirname, 'lease-protocol.pml');

function installed(command: string): boolean {
	try {
		execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

const canCheck = installed('spin') && installed('cc');
const work = canCheck ? mkdtempSync(join(tmpdir(), 'lease-protocol-')) : '';
afterAll(() => {
	if (work !== '') rmSync(work, { recursive: true, force: true });
});

/**
 * Generates the model's verifier with spin (`defines` select a weakened variant), compiles it,
 * runs it, and returns the number of errors it reports.
 */
function verify({
	defines = [],
	liveness = false
}: {
	defines?: string[];
	liveness?: boolean;
}): number {
	const run = (file: string, args: string[]) =>
		execFileSync(file, args, { cwd: work, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
	run('spin', [...defines.map((name) => `-D${name}`), '-a', MODEL]);
	run('cc', ['-O2', '-w', ...(liveness ? [] : ['-DSAFETY', '-DNOCLAIM']), '-o', 'pan', 'pan.c']);
	let report: string;
	try {
		report = run('./pan', liveness ? ['-a', '-f', '-N', 'released'] : []);
	} catch (error) {
		// Note: pan exits non-zero when it found an error; its report is still on stdout.
		report = String((error as { stdout?: string }).stdout ?? '');
	}
	const errors = /errors: (\d+)/.exec(report);
	if (errors === null) throw new Error(`no verdict from spin:\n${report}`);
	return Number(errors[1]);
}

describe.skipIf(!canCheck)(
	'the lease protocol, model-checked (needs spin and cc: apt-get install spin)',
	() => {
		it('safety: no rotated token is sent again but by the named exceptions, stored tokens never go back, one believed holder', () => {
			expect(verify({})).toBe(0);
		}, 120_000);

		it('liveness: no account stays claimed forever (weak fairness)', () => {
			expect(verify({ liveness: true })).toBe(0);
		}, 120_000);

		it.each(['NO_RENEWAL', 'UNCONDITIONAL_STORE', 'FORGET_KEEPS_LEASE'])(
			'the weakened variant %s is rejected: the model is not vacuous',
			(variant) => {
				expect(verify({ defines: [variant] })).toBeGreaterThan(0);
			},
			120_000
		);
	}
);
