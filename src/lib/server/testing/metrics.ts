import { registry } from '../metrics/registry';

/**
 * The value of the metric `name` summed over its series whose labels include `labels`: a
 * counter's count, a gauge's value, or a histogram's `_count` / `_sum` when named so.
 */
export async function readMetric(
	name: string,
	labels: Record<string, string> = {}
): Promise<number> {
	const family = name.replace(/_(count|sum|bucket)$/, '');
	const metric = registry.getSingleMetric(family);
	if (metric === undefined) throw new Error(`no metric ${family} is registered`);
	const { values } = await metric.get();
	return (
		values
			// Note: a histogram's samples carry their own names (`_bucket`, `_sum`, `_count`).
			.filter((value) => ('metricName' in value ? value.metricName : family) === name)
			.filter((value) =>
				Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted)
			)
			.reduce((sum, { value }) => sum + value, 0)
	);
}
