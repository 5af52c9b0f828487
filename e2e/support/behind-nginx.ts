import type { Env } from '../../idp/testkit/app.js';
import { freePorts } from '../../idp/testkit/ports.js';
import { test as base, type AppOptions } from '../fixtures';
import { findNginx, startNginx, type ProxyPorts, type RunningNginx } from './nginx';

const nginxPath = findNginx();

/** Why the specs behind nginx cannot run on this machine, or null when they can. */
export const withoutNginxReason =
	process.env.TEST_DATABASE_URL === undefined
		? 'needs TEST_DATABASE_URL: the instances behind nginx share Postgres'
		: nginxPath === null
			? 'needs nginx (apt-get install nginx, as .ci/run does) or NGINX_PATH'
			: null;

export const test = base.extend<{ proxyPorts: ProxyPorts; nginx: RunningNginx }>({
	// eslint-disable-next-line no-empty-pattern -- Playwright reads the dependencies from this pattern
	proxyPorts: async ({}, use) => {
		const [https, http, ...scrape] = (await freePorts(4)) as number[];
		await use({ https: https!, http: http!, scrape: scrape as [number, number] });
	},

	nginx: async ({ proxyPorts, privateApps }, use) => {
		const upstreams = privateApps.map((app) => Number(new URL(app.url).port));
		const running = await startNginx(nginxPath!, proxyPorts, upstreams);
		await use(running);
		await running.stop();
	}
});

/**
 * For `test.use({ appOptions: behindNginx() })`: two instances on one Postgres database behind
 * nginx, as deploy/latchkey.env.example sets them up: nginx's https origin, and the client's
 * address from the X-Forwarded-For entry that nginx appends.
 */
export function behindNginx({
	env = {},
	accessTokenTtl
}: { env?: Env; accessTokenTtl?: number } = {}) {
	return async (
		{ proxyPorts }: { proxyPorts: ProxyPorts },
		use: (options: AppOptions) => Promise<void>
	) =>
		use({
			database: 'postgres',
			instances: 2,
			accessTokenTtl,
			env: {
				ORIGIN: `https://127.0.0.1:${proxyPorts.https}`,
				ADDRESS_HEADER: 'x-forwarded-for',
				XFF_DEPTH: '1',
				...env
			}
		});
}
export { expect } from '../fixtures';
