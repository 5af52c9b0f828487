import { describe, expect, it } from 'vitest';
import { toClientNetwork } from './client-network';

describe('the network a per-IP limit counts an address under', () => {
	it('is the /64 of an IPv6 address, however it is written', () => {
		expect(toClientNetwork('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
		expect(toClientNetwork('2001:DB8:1:2::ffff')).toBe('2001:db8:1:2::/64');
		expect(toClientNetwork('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
		expect(toClientNetwork('fe80::1%eth0')).toBe('fe80::/64');
		expect(toClientNetwork('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
	});

	it('is the IPv4 address itself, also when it comes IPv4-mapped', () => {
		expect(toClientNetwork('203.0.113.7')).toBe('203.0.113.7');
		expect(toClientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
		expect(toClientNetwork('::ffff:cb00:7107')).toBe('203.0.113.7');
	});

	it('leaves what is no address as it is', () => {
		expect(toClientNetwork('unknown')).toBe('unknown');
	});
});
