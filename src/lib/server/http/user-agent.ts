const BROWSERS: [RegExp, string][] = [
	[/Edg(e|A|iOS)?\//, 'Edge'],
	[/OPR\/|Opera/, 'Opera'],
	[/Firefox\/|FxiOS\//, 'Firefox'],
	[/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
	[/Safari\//, 'Safari'],
	[/curl\//, 'curl'],
	[/node|undici/i, 'Node.js']
];

const SYSTEMS: [RegExp, string][] = [
	[/Android/, 'Android'],
	[/iPhone|iPad|iPod/, 'iOS'],
	[/CrOS/, 'ChromeOS'],
	[/Windows/, 'Windows'],
	[/Mac OS X|Macintosh/, 'macOS'],
	[/Linux/, 'Linux']
];

/**
 * A short, readable name for a User-Agent header, e.g. "Chrome on Linux", for the sessions
 * list. Note: only this summary is stored, not the header.
 */
export function describeUserAgent(header: string | null): string {
	if (!header) return 'Unknown browser';
	const browser = BROWSERS.find(([pattern]) => pattern.test(header))?.[1] ?? 'Unknown browser';
	const system = SYSTEMS.find(([pattern]) => pattern.test(header))?.[1];
	return system === undefined ? browser : `${browser} on ${system}`;
}
