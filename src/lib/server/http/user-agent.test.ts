import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './user-agent';

// Real headers: each browser's User-Agent, and the Sec-CH-UA client hint where it matters.
const CHROME_WINDOWS =
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36';
const ANDROID_REDUCED =
	'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/107.0.0.0 Mobile Safari/537.36';

describe('describeUserAgent', () => {
	it.each([
		[
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
			'Chrome on Linux'
		],
		[
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
			'Edge on Windows'
		],
		[
			'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:131.0) Gecko/20100101 Firefox/131.0',
			'Firefox on macOS'
		],
		[
			'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
			'Safari on iOS'
		],
		[
			'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
			'Chrome on Android'
		],
		[
			'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
			'Samsung Internet on Android'
		],
		[
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/62.0.3202.97 Safari/537.36 Vivaldi/1.94.1008.40',
			'Vivaldi on Linux'
		],
		[
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/114.0.0.0',
			'Opera on Windows'
		],
		['curl/8.5.0', 'curl'],
		['node', 'Node.js'],
		['', 'Unknown browser'],
		[null, 'Unknown browser']
	])('%j is %j', (header, expected) => {
		expect(describeUserAgent(header)).toBe(expected);
	});

	it('names Brave from its client hint, which its Chrome-like User-Agent does not', () => {
		const hint = '"Brave";v="107", "Chromium";v="107", "Not=A?Brand";v="24"';
		expect(describeUserAgent(ANDROID_REDUCED, hint)).toBe('Brave on Android');
		const desktopHint = '"Not(A:Brand";v="99", "Brave";v="133", "Chromium";v="133"';
		expect(describeUserAgent(CHROME_WINDOWS, desktopHint)).toBe('Brave on Windows');
		// Without the hint (plain http, or a browser that leaves it out), Brave is Chrome.
		expect(describeUserAgent(CHROME_WINDOWS)).toBe('Chrome on Windows');
	});

	it("keeps Chrome for Chrome's own hint, and ignores a hint that is no brand list", () => {
		const hint = '"Chromium";v="133", "Google Chrome";v="133", "Not?A_Brand";v="99"';
		expect(describeUserAgent(CHROME_WINDOWS, hint)).toBe('Chrome on Windows');
		expect(describeUserAgent(CHROME_WINDOWS, 'Brave')).toBe('Chrome on Windows');
		expect(describeUserAgent(CHROME_WINDOWS, '')).toBe('Chrome on Windows');
	});
});
