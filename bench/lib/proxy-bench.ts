// Proxy throughput: nginx (limit_req + proxy_pass) against the gateway (memory store, Redis store,
// and memory store with the WAF off), all in front of the same JSON upstream, each proxy one
// process on the server core, loaded one after another in rotating order, in two layouts:
// - "separate": the proxy alone on the server core, the upstream on the load generator's core. A
//   proxy cheaper than the upstream and autocannon together (nginx) is then held back by the other
//   core while a dearer one (the gateway) has a core to itself: the req/s ratio flatters the dearer.
// - "shared": every proxy and its upstream on the server core, autocannon alone on the other, so each
//   proxy pays for its upstream's CPU out of the same core; CPU time per request is the headline.
// The upstream is moved between the cores (taskset -p) between runs; both layouts run in every round.
import { randomBytes } from 'node:crypto';
import type { ServerProcess } from './child-processes.js';
import { runHttpLoad, type HttpRequestSpec, type LoadOptions, type LoadResult } from './http-load.js';
import { LOAD_GENERATOR_CORE, pinProcess, SERVER_CORE } from './cpu-pinning.js';
import { procCpuSeconds, procMemoryMiB } from './proc-status.js';
import { startGateway, startJsonUpstream, startNginx } from './proxy-processes.js';
import { deleteRedisKeys, redactedRedisUrl, redisReachable } from './redis-keys.js';
import { benchTempDir } from './tokendealer-process.js';

export type ProxyName = 'nginx' | 'gatewayMemory' | 'gatewayRedis' | 'gatewayMemoryWafOff';

export const PROXY_DESCRIPTIONS: Record<ProxyName, string> = {
  nginx: 'nginx 1 worker, limit_req + proxy_pass',
  gatewayMemory: 'gateway, memory store, WAF block',
  gatewayRedis: 'gateway, Redis store, WAF block',
  gatewayMemoryWafOff: 'gateway, memory store, WAF off',
};

/** What is proxied: a typical API read, the same bytes through every proxy. */
export const PROXIED_PATH = '/api/runs/42?fields=id,status';
const REQUEST_HEADERS = { accept: 'application/json', 'user-agent': 'runnerly-bench/1.0' };

export interface ProxyPlan extends LoadOptions {
  warmupSeconds: number;
  rounds: number;
}

/** Where the upstream runs: on the load generator's core (separate) or on the proxy's (shared). */
export type ProxyLayout = 'separate' | 'shared';

export const LAYOUTS: readonly ProxyLayout[] = ['separate', 'shared'];

export const UPSTREAM_CORE: Record<ProxyLayout, number> = { separate: LOAD_GENERATOR_CORE, shared: SERVER_CORE };

export interface ProxyRun extends LoadResult {
  proxy: ProxyName;
  layout: ProxyLayout;
  round: number;
  order: number;
  peakRssMiB: number | undefined;
  /** Gateways: requests the gateway refused during the run, by reason (its /_gateway/metrics); undefined for nginx. */
  gatewayRefusals: Record<string, number> | undefined;
  /** CPU the upstream process used during the run, in cores, and per request. */
  upstreamCpuCores: number | undefined;
  upstreamCpuMicrosecondsPerRequest: number | undefined;
}

/** The gateway's refusal reason when its Redis store gives no decision (onError: deny). */
export const STORE_UNAVAILABLE = 'limit-store-unavailable';

export interface ProxyResults {
  plan: ProxyPlan;
  /** The Redis of the Redis store, without credentials. */
  redisTarget: string;
  proxies: ProxyName[];
  /** Why the Redis variant is missing, when it is. */
  redisSkipped: string | undefined;
  /** Each proxy answered one request with the upstream's status and body before the load. */
  sameBodyAsUpstream: Partial<Record<ProxyName, boolean>>;
  /** Whether the upstream could be moved between the cores (taskset); without it only "separate" ran. */
  layouts: ProxyLayout[];
  runs: ProxyRun[];
}

/** `redisUrl`: the Redis of the gateway's Redis store (the variant is skipped when it does not answer). */
export async function benchProxies(plan: ProxyPlan, redisUrl: string, log: (line: string) => void): Promise<ProxyResults> {
  const dir = benchTempDir();
  const servers: ServerProcess[] = [];
  const keyPrefix = `runnerly-bench-${process.pid}-${randomBytes(4).toString('hex')}:`;
  let redisUsed = false;
  try {
    const upstream = await startJsonUpstream();
    servers.push(upstream);
    const started = async (starting: Promise<ServerProcess>) => {
      const server = await starting;
      servers.push(server);
      return server;
    };
    const targets = new Map<ProxyName, ServerProcess>();
    targets.set('nginx', await started(startNginx(upstream.url, dir)));
    targets.set('gatewayMemory', await started(startGateway('gateway-memory', upstream.url, { store: { type: 'memory' }, wafMode: 'block' }, dir)));

    const redisProblem = await redisReachable(redisUrl);
    if (redisProblem === undefined) {
      redisUsed = true;
      const store = { type: 'redis' as const, url: redisUrl, keyPrefix };
      targets.set('gatewayRedis', await started(startGateway('gateway-redis', upstream.url, { store, wafMode: 'block' }, dir)));
    } else {
      log(`  Redis at ${redactedRedisUrl(redisUrl)} not usable (${redisProblem}): the Redis store is skipped`);
    }
    targets.set('gatewayMemoryWafOff', await started(startGateway('gateway-memory-waf-off', upstream.url, { store: { type: 'memory' }, wafMode: 'off' }, dir)));
    const proxies = [...targets.keys()];

    // The proxies must hand the upstream's answer through unchanged, or the load measures something else.
    const expected = await fetchText(new URL(PROXIED_PATH, upstream.url).href);
    const sameBodyAsUpstream: Partial<Record<ProxyName, boolean>> = {};
    for (const [name, server] of targets) {
      const got = await fetchText(new URL(PROXIED_PATH, server.url).href);
      sameBodyAsUpstream[name] = got.status === 200 && got.body === expected.body;
      if (!sameBodyAsUpstream[name]) log(`  ${name}: status ${got.status}, body ${JSON.stringify(got.body.slice(0, 200))}`);
    }

    const request = (name: ProxyName): HttpRequestSpec => ({ url: new URL(PROXIED_PATH, targets.get(name)!.url).href, method: 'GET', headers: REQUEST_HEADERS });
    for (const name of proxies) {
      log(`  warm-up ${name} (${plan.warmupSeconds} s)`);
      await runHttpLoad(request(name), targets.get(name)!.pid, { ...plan, durationSeconds: plan.warmupSeconds });
    }

    // Both layouts in every round (which goes first alternating), so drift on a shared machine hits both alike.
    const layouts: ProxyLayout[] = pinProcess(upstream.pid, UPSTREAM_CORE.separate) ? [...LAYOUTS] : ['separate'];
    const runs: ProxyRun[] = [];
    for (let round = 0; round < plan.rounds; round++) {
      // Rotate the order, so no proxy always runs first or always follows the same one.
      const order = proxies.map((_, i) => proxies[(i + round) % proxies.length]!);
      const layoutOrder = round % 2 === 0 ? layouts : [...layouts].reverse();
      for (const layout of layoutOrder) {
        if (layouts.length > 1 && !pinProcess(upstream.pid, UPSTREAM_CORE[layout])) throw new Error(`cannot move the upstream to core ${UPSTREAM_CORE[layout]}`);
        for (const name of order) {
          const server = targets.get(name)!;
          const isGateway = name !== 'nginx';
          const refusalsBefore = isGateway ? await gatewayRefusals(server.url) : undefined;
          const upstreamCpuBefore = procCpuSeconds(upstream.pid);
          const result = await runHttpLoad(request(name), server.pid, plan);
          const upstreamCpuAfter = procCpuSeconds(upstream.pid);
          const refusalsAfter = isGateway ? await gatewayRefusals(server.url) : undefined;
          const upstreamCpuSeconds = upstreamCpuBefore === undefined || upstreamCpuAfter === undefined ? undefined : upstreamCpuAfter - upstreamCpuBefore;
          const run: ProxyRun = {
            proxy: name,
            layout,
            round: round + 1,
            order: runs.length + 1,
            ...result,
            peakRssMiB: procMemoryMiB(server.pid, 'VmHWM'),
            gatewayRefusals: refusalsBefore === undefined || refusalsAfter === undefined ? undefined : difference(refusalsAfter, refusalsBefore),
            upstreamCpuCores: upstreamCpuSeconds === undefined ? undefined : upstreamCpuSeconds / result.durationSeconds,
            upstreamCpuMicrosecondsPerRequest: upstreamCpuSeconds === undefined ? undefined : (upstreamCpuSeconds * 1e6) / result.totalRequests,
          };
          runs.push(run);
          const refused = Object.entries(run.gatewayRefusals ?? {}).map(([reason, count]) => `, refused ${count} ${reason}`).join('');
          log(
            `  run ${run.order} ${layout.padEnd(8)} ${name.padEnd(19)} ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.latencyP99Ms} ms, ` +
              `non-2xx ${result.non2xx}, errors ${result.errors + result.timeouts}, proxy CPU ${result.serverCpuCores?.toFixed(2) ?? 'n/a'} ` +
              `(${result.serverCpuMicrosecondsPerRequest?.toFixed(0) ?? 'n/a'} µs/req), upstream CPU ${run.upstreamCpuCores?.toFixed(2) ?? 'n/a'}${refused}`,
          );
        }
      }
    }
    return { plan, redisTarget: redactedRedisUrl(redisUrl), proxies, redisSkipped: redisProblem, sameBodyAsUpstream, layouts, runs };
  } catch (error) {
    for (const server of servers) {
      const tail = server.stderrTail();
      if (tail !== '') console.error(`--- ${server.name} stderr ---\n${tail}`);
    }
    throw error;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    if (redisUsed) await deleteRedisKeys(redisUrl, keyPrefix);
  }
}

/** The gateway's refusal counters (runnerly_gateway_refusals_total), summed over routes, by reason. */
async function gatewayRefusals(baseUrl: string): Promise<Record<string, number>> {
  const { status, body } = await fetchText(new URL('/_gateway/metrics', baseUrl).href);
  if (status !== 200) throw new Error(`gateway metrics: status ${status}`);
  const counts: Record<string, number> = {};
  for (const match of body.matchAll(/^runnerly_gateway_refusals_total\{[^}]*reason="([^"]*)"[^}]*\} (\d+)$/gm)) {
    counts[match[1]!] = (counts[match[1]!] ?? 0) + Number(match[2]);
  }
  return counts;
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [reason, count] of Object.entries(after)) if (count - (before[reason] ?? 0) > 0) delta[reason] = count - (before[reason] ?? 0);
  return delta;
}

async function fetchText(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { headers: REQUEST_HEADERS });
  return { status: response.status, body: await response.text() };
}
