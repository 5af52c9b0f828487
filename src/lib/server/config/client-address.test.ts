import { describe, expect, it } from 'vitest';
import { checkForwardedDepth, clientAddressWarning } from './client-address';
import { ConfigError } from './env';

const https = { ORIGIN: 'https://app.example.com' };

describe('the start-up warning about client addresses', () => {
	it('warns in one line when the app is served over https without ADDRESS_HEADER', () => {
		const warning = clientAddressWarning(https);
		expect(warning).toMatch(/^Latchkey warning: ORIGIN is https but ADDRESS_HEADER is not set/);
		expect(warning).toContain('ADDRESS_HEADER=x-forwarded-for and XFF_DEPTH=1');
		expect(warning).toContain('LATCHKEY_DIRECT_CLIENTS=true');
		expect(warning).not.toContain('\n');
	});

	it('warns when the origin comes from the proxy headers', () => {
		const env = { PROTOCOL_HEADER: 'x-forwarded-proto', HOST_HEADER: 'x-forwarded-host' };
		expect(clientAddressWarning(env)).toMatch(/PROTOCOL_HEADER or HOST_HEADER is set/);
	});

	it('is silent once ADDRESS_HEADER names where the address comes from', () => {
		expect(clientAddressWarning({ ...https, ADDRESS_HEADER: 'x-forwarded-for' })).toBeNull();
		expect(clientAddressWarning({ ...https, ADDRESS_HEADER: 'x-real-ip' })).toBeNull();
	});

	it('is silent when told that clients connect directly, and only for "true"', () => {
		expect(clientAddressWarning({ ...https, LATCHKEY_DIRECT_CLIENTS: 'true' })).toBeNull();
		expect(clientAddressWarning({ ...https, LATCHKEY_DIRECT_CLIENTS: 'yes' })).not.toBeNull();
	});

	it('is silent for a plain-http origin (local runs and tests)', () => {
		expect(clientAddressWarning({ ORIGIN: 'http://127.0.0.1:3000' })).toBeNull();
		expect(clientAddressWarning({})).toBeNull();
	});
});

describe('checking XFF_DEPTH', () => {
	const forwarded = { ADDRESS_HEADER: 'X-Forwarded-For' };

	it('accepts a whole number from 1, or none (adapter-node then takes 1)', () => {
		for (const XFF_DEPTH of ['1', '2', undefined]) {
			expect(() => checkForwardedDepth({ ...forwarded, XFF_DEPTH })).not.toThrow();
		}
	});

	it('refuses 0, a negative, an empty or a non-number depth for X-Forwarded-For', () => {
		for (const XFF_DEPTH of ['0', '-1', '', 'one', '1.5']) {
			expect(() => checkForwardedDepth({ ...forwarded, XFF_DEPTH }), XFF_DEPTH).toThrow(
				ConfigError
			);
		}
		expect(() => checkForwardedDepth({ ...forwarded, XFF_DEPTH: '0' })).toThrow(
			/^XFF_DEPTH must be a whole number from 1/
		);
	});

	it('ignores XFF_DEPTH when the address comes from another header', () => {
		expect(() =>
			checkForwardedDepth({ ADDRESS_HEADER: 'x-real-ip', XFF_DEPTH: '0' })
		).not.toThrow();
		expect(() => checkForwardedDepth({ XFF_DEPTH: '0' })).not.toThrow();
	});
});
