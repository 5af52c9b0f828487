import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The deployment recipe's site config: the test runs this very file. */
const SITE_CONFIG = new URL('../../deploy/nginx-site.conf', import.meta.url);
const START_TIMEOUT_MS = 10_000;

/** Debian's nginx (`apt-get install nginx`), or `NGINX_PATH`; null when there is none. */
export function findNginx(): string | null {
	const candidates = [process.env.NGINX_PATH, '/usr/sbin/nginx', '/usr/bin/nginx'];
	return candidates.find((path) => path !== undefined && existsSync(path)) ?? null;
}

export interface ProxyPorts {
	https: number;
	http: number;
	/** The scrape network's ports of the first and the second instance (9301 and 9302). */
	scrape: [number, number];
}

export interface RunningNginx {
	/** `https://127.0.0.1:<port>`: the app's public origin. */
	origin: string;
	/** `http://127.0.0.1:<port>`, which redirects to `origin`. */
	httpOrigin: string;
	/** `http://127.0.0.1:<port>` of each instance's scrape server; only 127.0.0.1 is allowed in. */
	scrapeOrigins: string[];
	/** The throwaway self-signed certificate (PEM), for clients that verify it. */
	certificate: string;
	/** How long nginx leaves out an instance that failed (the site's `fail_timeout`). */
	failTimeoutMs: number;
	/** The access log so far: client address, the upstream(s) tried, status, request. */
	accessLog: () => Promise<string[]>;
	stop: () => Promise<void>;
}

/**
 * Starts nginx as a child process with deploy/nginx-site.conf, changed only where a test must:
 * its ports on 127.0.0.1 instead of 80, 443, 9301 and 9302, `upstreams` instead of 3001 and 3002,
 * the scrape network 127.0.0.1 alone, a
 * certificate for 127.0.0.1 made now by openssl, and files in a temporary folder.
 */
export async function startNginx(
	nginx: string,
	ports: ProxyPorts,
	upstreams: number[]
): Promise<RunningNginx> {
	const dir = await mkdtemp(join(tmpdir(), 'latchkey-nginx-'));
	// Note: run as root, nginx's workers are `nobody`: they must reach their temp folders here.
	await chmod(dir, 0o755);
	const origin = `https://127.0.0.1:${ports.https}`;
	const certificate = await makeCertificate(dir);
	const site = renderSite(await readFile(SITE_CONFIG, 'utf8'), { dir, origin, ports, upstreams });
	await mkdir(join(dir, 'www'));
	await writeFile(join(dir, 'site.conf'), site);
	await writeFile(join(dir, 'nginx.conf'), mainConfig(dir));

	const errorLog = join(dir, 'error.log');
	const child = spawn(nginx, ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', errorLog], {
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const exited = new Promise((resolve) => child.on('exit', resolve));
	const stop = async () => {
		if (child.exitCode === null) child.kill('SIGTERM');
		await exited;
		await rm(dir, { recursive: true, force: true });
	};

	const deadline = Date.now() + START_TIMEOUT_MS;
	while (!(await isListening(ports.https))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			const log = await readFile(errorLog, 'utf8').catch(() => '');
			await stop();
			throw new Error(`nginx did not start:\n${output}${log}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	const failTimeout = /fail_timeout=(\d+)s/.exec(site)?.[1];
	return {
		origin,
		httpOrigin: `http://127.0.0.1:${ports.http}`,
		scrapeOrigins: ports.scrape.map((port) => `http://127.0.0.1:${port}`),
		certificate,
		failTimeoutMs: Number(failTimeout ?? 10) * 1000,
		accessLog: async () =>
			(await readFile(join(dir, 'access.log'), 'utf8')).split('\n').filter(Boolean),
		stop
	};
}

/** The recipe's site, each change checked: a recipe that moved on fails here, not silently. */
function renderSite(
	template: string,
	{
		dir,
		origin,
		ports,
		upstreams
	}: { dir: string; origin: string; ports: ProxyPorts; upstreams: number[] }
): string {
	const [first, second, ...rest] = upstreams;
	if (first === undefined || second === undefined || rest.length > 0) {
		throw new Error('deploy/nginx-site.conf has two upstream servers: give it two ports');
	}
	const changes: [string, string][] = [
		['/etc/letsencrypt/live/app.example.com/fullchain.pem', join(dir, 'cert.pem')],
		['/etc/letsencrypt/live/app.example.com/privkey.pem', join(dir, 'key.pem')],
		['https://app.example.com', origin],
		['server_name app.example.com;', 'server_name 127.0.0.1;'],
		['Host app.example.com;', `Host 127.0.0.1:${ports.https};`],
		// Note: containers often have no IPv6; the test needs none.
		['listen [::]:80;', ''],
		['listen [::]:443 ssl http2;', ''],
		['listen 80;', `listen 127.0.0.1:${ports.http};`],
		['listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`],
		['server 127.0.0.1:3001 ', `server 127.0.0.1:${first} `],
		['server 127.0.0.1:3002 ', `server 127.0.0.1:${second} `],
		['root /var/www/html;', `root ${join(dir, 'www')};`],
		['listen 9301;', `listen 127.0.0.1:${ports.scrape[0]};`],
		['listen 9302;', `listen 127.0.0.1:${ports.scrape[1]};`],
		['proxy_pass http://127.0.0.1:3001;', `proxy_pass http://127.0.0.1:${first};`],
		['proxy_pass http://127.0.0.1:3002;', `proxy_pass http://127.0.0.1:${second};`],
		// The scrape network here is this one address: the test's other clients are outside it.
		['allow 10.0.0.0/8;', 'allow 127.0.0.1;']
	];
	return changes.reduce((site, [from, to]) => {
		if (!site.includes(from)) throw new Error(`deploy/nginx-site.conf has no "${from}" any more`);
		return site.replaceAll(from, to);
	}, template);
}

/** What Debian's /etc/nginx/nginx.conf gives the site, with every file in `dir`. */
function mainConfig(dir: string): string {
	const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
		.map((kind) => `\t${kind}_temp_path ${join(dir, `${kind}_temp`)};`)
		.join('\n');
	return `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events {
	worker_connections 512;
}
http {
	log_format upstreams '$remote_addr $upstream_addr $status "$request"';
	access_log ${join(dir, 'access.log')} upstreams;
${temp}
	include ${join(dir, 'site.conf')};
}
`;
}

/** A self-signed certificate for 127.0.0.1, valid for a day; returns it as PEM. */
async function makeCertificate(dir: string): Promise<string> {
	await promisify(execFile)('openssl', [
		'req',
		'-x509',
		'-newkey',
		'ec',
		'-pkeyopt',
		'ec_paramgen_curve:prime256v1',
		'-nodes',
		'-days',
		'1',
		'-subj',
		'/CN=127.0.0.1',
		'-addext',
		'subjectAltName=IP:127.0.0.1',
		'-keyout',
		join(dir, 'key.pem'),
		'-out',
		join(dir, 'cert.pem')
	]);
	return readFile(join(dir, 'cert.pem'), 'utf8');
}

function isListening(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}
