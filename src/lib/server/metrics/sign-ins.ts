import { Counter } from 'prom-client';
import { registry } from './registry';

const signIns = new Counter({
	name: 'latchkey_sign_ins_total',
	help: 'Sign-ins that started a session, by provider (connecting another provider to a signed-in user is not one).',
	labelNames: ['provider'] as const,
	registers: [registry]
});

// Note: no provider label: a session belongs to a user, who may have several providers linked.
const signOuts = new Counter({
	name: 'latchkey_sign_outs_total',
	help: 'Sessions ended by signing out (/signout or Auth.js POST /auth/signout).',
	registers: [registry]
});

/** Shows `provider`'s sign-ins from the start, at 0. */
export function declareSignIns(provider: string): void {
	signIns.inc({ provider }, 0);
}

export function countSignIn(provider: string): void {
	signIns.inc({ provider });
}

export function countSignOut(): void {
	signOuts.inc();
}
