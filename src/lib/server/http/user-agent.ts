import Bowser from 'bowser';

const UNKNOWN = 'Unknown browser';

// Bowser's names, shortened for the sessions list.
const SHORT_NAMES: Record<string, string> = {
	'Microsoft Edge': 'Edge',
	'Samsung Internet for Android': 'Samsung Internet',
	'Chrome OS': 'ChromeOS'
};

// Clients that are no browser, which Bowser does not name.
const TOOLS: [RegExp, string][] = [
	[/^curl\//, 'curl'],
	[/node|undici/i, 'Node.js']
];

/**
 * A short, readable name for the client of a request, e.g. "Brave on Android", for the sessions
 * list and the audit log. Note: only this summary is stored, never the headers, and it is always
 * made of Bowser's (or our) fixed names, so a client cannot store text of its own choosing.
 *
 * What can be told apart: the User-Agent names Edge, Firefox, Safari, Opera, Samsung Internet and
 * Vivaldi's older versions. Brave (on every platform) and today's Vivaldi send exactly Chrome's
 * User-Agent; Chromium browsers also send the `Sec-CH-UA` client hint with their brand
 * (`"Brave";v="133", "Chromium";v="133", …`), which Bowser reads. What cannot: browsers send that
 * hint only to secure origins (https, or localhost), so Brave over plain http is "Chrome". Firefox
 * and Safari send no hints, and Brave on iOS, which uses WebKit and sends none, reads as Safari.
 * A browser that leaves its brand out of the hint reads as the browser its User-Agent names.
 */
export function describeUserAgent(
	userAgent: string | null,
	clientHints: string | null = null
): string {
	if (!userAgent) return UNKNOWN;
	const parser = Bowser.getParser(userAgent, { brands: parseBrands(clientHints) });
	const browser = parser.getBrowserName() || toolName(userAgent);
	const system = parser.getOSName();
	const name = SHORT_NAMES[browser] ?? browser;
	return system === '' ? name : `${name} on ${SHORT_NAMES[system] ?? system}`;
}

function toolName(userAgent: string): string {
	return TOOLS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? UNKNOWN;
}

// One brand of a `Sec-CH-UA` list (RFC 8941): `"Brave";v="133"`. Note: the made-up brands
// browsers add ("Not A(Brand") use neither quotes nor backslashes, so no escapes are expected.
const BRAND = /"([^"\\]*)"\s*;\s*v\s*=\s*"([^"\\]*)"/g;

/** The brands of a `Sec-CH-UA` header, as `navigator.userAgentData.brands` lists them. */
function parseBrands(header: string | null): { brand: string; version: string }[] {
	if (header === null) return [];
	return [...header.matchAll(BRAND)].map(([, brand, version]) => ({
		brand: brand!,
		version: version!
	}));
}
