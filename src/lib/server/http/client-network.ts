import ipaddr from 'ipaddr.js';

// How many leading bits of an IPv6 address name one client: a /64, the smallest subnet a
// household or a cloud host is given.
const IPV6_CLIENT_PREFIX = 64;

/**
 * The network a per-IP limit counts `address` under: an IPv4 address itself (also when it
 * arrives IPv4-mapped, `::ffff:203.0.113.7`), and an IPv6 address's /64, since one client
 * holds a whole /64 and could otherwise take 2^64 budgets (and as many `rate_limits` rows).
 * Anything that is no IP address is its own subject.
 */
export function toClientNetwork(address: string): string {
	if (!ipaddr.IPv6.isValid(address)) return address;
	const parsed = ipaddr.IPv6.parse(address);
	if (parsed.isIPv4MappedAddress()) return parsed.toIPv4Address().toString();
	// The first four 16-bit groups are the /64; a zone (`%eth0`) is dropped with the rest.
	const network = new ipaddr.IPv6([...parsed.parts.slice(0, 4), 0, 0, 0, 0]);
	return `${network.toString()}/${IPV6_CLIENT_PREFIX}`;
}
