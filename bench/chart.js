// @ts-check
/**
 * A scenario's request latency over time as a small SVG: for each kind of user, the slowest
 * request answered in each `BUCKET_MS`, on a log scale, over bands that shade the provider's (or
 * the database's) state. Hand-written: a few lines of SVG need no charting library.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * @typedef {object} Timeline
 * @property {{ name: string, answers: { at: number, ms: number }[] }[]} series `at` is when the
 *   request was sent (performance.now()), `ms` how long it took
 * @property {{ label: string, from: number, to: number }[]} bands performance.now() times
 * @property {number} start performance.now() at the chart's left edge
 */

const BUCKET_MS = 250;
/** A series' line breaks where it has no answer for this long (e.g. between a wave and its control). */
const GAP_MS = 2_000;
const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { left: 56, right: 16, top: 28, bottom: 36 };
const Y_TICKS_MS = [1, 10, 100, 1_000, 10_000];
const COLOURS = ['#2563eb', '#ea580c', '#16a34a'];
const BAND_COLOURS = /** @type {Record<string, string>} */ ({
	slow: '#fde68a',
	late: '#fde68a',
	down: '#fecaca'
});

/**
 * Writes `timeline` to `file` as an SVG chart titled `title`.
 * @param {string} file
 * @param {string} title
 * @param {Timeline} timeline
 */
export function writeLatencyChart(file, title, { series, bands, start }) {
	const end = Math.max(...series.flatMap(({ answers }) => answers.map(({ at, ms }) => at + ms)));
	const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
	const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
	const x = (/** @type {number} */ t) => MARGIN.left + ((t - start) / (end - start)) * plotWidth;
	const top = Math.log10(Y_TICKS_MS.at(-1) ?? 10_000);
	const y = (/** @type {number} */ ms) =>
		MARGIN.top + plotHeight * (1 - Math.log10(Math.max(1, ms)) / top);
	const seconds = Math.floor((end - start) / 1000);
	const xTicks = Array.from({ length: Math.floor(seconds / 5) + 1 }, (_, i) => i * 5);
	const svg = [
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
		`<title>${escape(title)}</title>`,
		`<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
		...bands.map(
			({ label, from, to }) =>
				`<rect x="${x(from).toFixed(1)}" y="${MARGIN.top}" width="${(x(to) - x(from)).toFixed(1)}" height="${plotHeight}" fill="${BAND_COLOURS[label] ?? '#e5e7eb'}"/>` +
				`<text x="${(x(from) + 4).toFixed(1)}" y="${MARGIN.top + 12}">${escape(label)}</text>`
		),
		...Y_TICKS_MS.map(
			(ms) =>
				`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(ms)}" y2="${y(ms)}" stroke="#e5e7eb"/>` +
				`<text x="${MARGIN.left - 6}" y="${y(ms) + 4}" text-anchor="end">${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}</text>`
		),
		...xTicks.map(
			(s) =>
				`<text x="${x(start + s * 1000).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${s} s</text>`
		),
		...series.flatMap(({ answers }, i) =>
			segments(slowestPerBucket(answers, start)).map((segment) => {
				const points = segment.map(([t, ms]) => `${x(t).toFixed(1)},${y(ms).toFixed(1)}`).join(' ');
				return `<polyline points="${points}" fill="none" stroke="${COLOURS[i]}" stroke-width="1.5"/>`;
			})
		),
		`<text x="${MARGIN.left}" y="16" font-weight="bold">${escape(title)}</text>`,
		...series.map(
			({ name }, i) =>
				`<text x="${WIDTH - MARGIN.right - 200 + i * 100}" y="16" fill="${COLOURS[i]}">■ ${escape(name)}</text>`
		),
		`<text x="${WIDTH - MARGIN.right}" y="${HEIGHT - 6}" text-anchor="end">slowest request answered per ${BUCKET_MS} ms, log scale</text>`,
		'</svg>'
	];
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, `${svg.join('\n')}\n`);
}

/**
 * The slowest request answered in each bucket, as [bucket middle, ms], in time order.
 * @param {{ at: number, ms: number }[]} answers
 * @param {number} start
 * @returns {[number, number][]}
 */
function slowestPerBucket(answers, start) {
	/** @type {Map<number, number>} */
	const slowest = new Map();
	for (const { at, ms } of answers) {
		const bucket = Math.floor((at + ms - start) / BUCKET_MS);
		slowest.set(bucket, Math.max(slowest.get(bucket) ?? 0, ms));
	}
	return [...slowest]
		.sort(([a], [b]) => a - b)
		.map(([bucket, ms]) => [start + (bucket + 0.5) * BUCKET_MS, ms]);
}

/**
 * `points` (in time order) split wherever two follow each other more than `GAP_MS` apart.
 * @param {[number, number][]} points
 * @returns {[number, number][][]}
 */
function segments(points) {
	/** @type {[number, number][][]} */
	const runs = [];
	for (const point of points) {
		const run = runs.at(-1);
		const last = run?.at(-1);
		if (run === undefined || last === undefined || point[0] - last[0] > GAP_MS) runs.push([point]);
		else run.push(point);
	}
	return runs;
}

/** @param {string} text */
function escape(text) {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
