import { registry } from './registry';
// Note: imported for their gauges, which read their value when scraped.
import './active-sessions';
import './database-pool';

/** Every metric in Prometheus's text format, read now. */
export async function exposeMetrics(): Promise<Response> {
	return new Response(await registry.metrics(), {
		headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' }
	});
}
