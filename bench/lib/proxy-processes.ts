// The processes of the proxy bench: a JSON upstream, nginx (limit_req + proxy_pass) and the
// gateway through its bin, each a child process stopped with the bench. The proxies run on the
// server core; the upstream starts on the load generator's core and is moved between the two cores
// by the bench (see proxy-bench.ts: the two layouts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from './child-processes.js';
import { LOAD_GENERATOR_CORE, pinnedCommand, SERVER_CORE } from './cpu-pinning.js';
import { GATEWAY_BIN, JSON_UPSTREAM_SERVER, NGINX_CONF_TEMPLATE, REPO_ROOT } from './paths.js';
import { cleanEnvironment } from './tokendealer-process.js';

/** nginx from PATH (Debian's 1.22 on the bench machine); NGINX overrides it. */
export const NGINX_COMMAND = process.env.NGINX ?? 'nginx';

/** Never triggers at bench load, but is looked up and updated on every request (same numbers as bench/nginx). */
export const NEVER_TRIGGERING_RATE = { rate: '1000000r/s', burst: 100_000, delay: 'nodelay' } as const;
/** Upstream keep-alive connections of each proxy (nginx `keepalive 64`, gateway `connections: 64`). */
export const UPSTREAM_CONNECTIONS = 64;

export function startJsonUpstream(): Promise<ServerProcess> {
  const { command, args } = pinnedCommand(LOAD_GENERATOR_CORE, process.execPath, [JSON_UPSTREAM_SERVER]);
  return startServerProcess({
    name: 'JSON upstream',
    command,
    args,
    cwd: REPO_ROOT,
    env: cleanEnvironment(),
    readyLine: /^JSON upstream listening on (http:\/\/127\.0\.0\.1:\d+)/,
    timeoutMs: 10_000,
  });
}

/** A port that was free a moment ago, for servers (nginx) that must be told theirs in advance. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** nginx from bench/nginx/nginx.conf.template, with its prefix (config, pid, logs, temp files) in `dir`. */
export async function startNginx(upstreamUrl: string, dir: string): Promise<ServerProcess> {
  const prefix = join(dir, 'nginx');
  for (const sub of ['logs', 'tmp']) mkdirSync(join(prefix, sub), { recursive: true });
  const port = await freePort();
  const conf = readFileSync(NGINX_CONF_TEMPLATE, 'utf8')
    .replaceAll('{{PORT}}', String(port))
    .replaceAll('{{UPSTREAM_PORT}}', new URL(upstreamUrl).port);
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  // -e: the error log before the configuration is read, which would otherwise be Debian's system-wide one.
  const { command, args } = pinnedCommand(SERVER_CORE, NGINX_COMMAND, ['-p', `${prefix}/`, '-e', 'logs/error.log', '-c', 'nginx.conf']);
  return startServerProcess({
    name: 'nginx',
    command,
    args,
    cwd: prefix,
    env: cleanEnvironment(),
    readyUrl: `http://127.0.0.1:${port}`,
    timeoutMs: 10_000,
  });
}

export interface GatewayVariant {
  store: { type: 'memory' } | { type: 'redis'; url: string; keyPrefix: string };
  wafMode: 'block' | 'off';
}

/** The gateway's configuration for the bench: one route to the upstream, one never-triggering rate limit keyed by address. */
export function gatewayConfig(upstreamUrl: string, variant: GatewayVariant): object {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    // A Redis failure must show up as a failed response, not as a silent fallback to per-instance limits.
    store: variant.store.type === 'memory' ? { type: 'memory' } : { ...variant.store, onError: 'deny' },
    logLevel: 'warn',
    routes: [
      {
        prefix: '/',
        upstream: [upstreamUrl],
        limits: [{ type: 'rate', key: 'ip', ...NEVER_TRIGGERING_RATE }],
        waf: { mode: variant.wafMode },
        connections: UPSTREAM_CONNECTIONS,
        // autocannon is one client: the whole pool is its share, as nginx has no such cap.
        connectionsPerClient: UPSTREAM_CONNECTIONS,
      },
    ],
  };
}

/** The gateway through its bin, configured by a JSON file written into `dir`. */
export function startGateway(name: string, upstreamUrl: string, variant: GatewayVariant, dir: string, nodeOptions: readonly string[] = []): Promise<ServerProcess> {
  const configFile = join(dir, `${name}.json`);
  writeFileSync(configFile, `${JSON.stringify(gatewayConfig(upstreamUrl, variant), null, 2)}\n`);
  const { command, args } = pinnedCommand(SERVER_CORE, process.execPath, [...nodeOptions, GATEWAY_BIN, '--config', configFile]);
  return startServerProcess({
    name,
    command,
    args,
    cwd: dir,
    env: cleanEnvironment(),
    readyLine: /^runnerly-gateway listening on (http:\/\/127\.0\.0\.1:\d+)/,
    timeoutMs: 20_000,
  });
}
