import { registry } from './registry';

/** Every metric in Prometheus's text format, read now. */
export async function exposeMetrics(): Promise<Response> {
	return new Response(await registry.metrics(), {
		headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' }
	});
}
