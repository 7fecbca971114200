// Token endpoint throughput: the real TokenDealer process against the bare node:http limit,
// both pinned to the same core, loaded alternately so that machine noise hits both alike.
import { createVerifier } from '@runnerly/guard';
import type { ServerProcess } from './child-processes.js';
import { startBareTokenServer } from './bare-token-process.js';
import { runTokenLoad, type LoadOptions, type LoadResult, type TokenRequest } from './http-load.js';
import { procMemoryMiB } from './proc-status.js';
import { tokenShape } from './es256-jwt.js';
import { requestToken } from './token-request.js';
import { benchTempDir, setUpTokenDealer, startTokenDealer } from './tokendealer-process.js';

export const TOKEN_PATH = '/oauth/token';
export const BENCH_SCOPE = 'runs:read';
export const BENCH_AUDIENCE = 'runnerly.io';

export type TokenServerName = 'tokendealer' | 'limit';

export interface TokenEndpointPlan extends LoadOptions {
  warmupSeconds: number;
  runsPerServer: number;
}

export interface TokenEndpointRun extends LoadResult {
  server: TokenServerName;
  order: number;
  /** VmHWM of the server (peak resident set since it started), read right after this run. */
  peakRssMiB: number | undefined;
  rssMiB: number | undefined;
}

export interface TokenEndpointResults {
  plan: TokenEndpointPlan;
  runs: TokenEndpointRun[];
  /** Header and claim names of a real TokenDealer token, which the guard bench imitates. */
  tokenDealerTokenShape: { header: string[]; claims: string[] };
  limitTokenShape: { header: string[]; claims: string[] };
}

export async function benchTokenEndpoint(plan: TokenEndpointPlan, log: (line: string) => void): Promise<TokenEndpointResults> {
  const { databaseUrl, client } = await setUpTokenDealer(benchTempDir(), BENCH_SCOPE, BENCH_AUDIENCE);
  const servers: ServerProcess[] = [];
  try {
    const tokenDealer = await startTokenDealer(databaseUrl);
    servers.push(tokenDealer);
    const limit = await startBareTokenServer();
    servers.push(limit);
    const targets: Record<TokenServerName, { process: ServerProcess; request: TokenRequest }> = {
      tokendealer: { process: tokenDealer, request: { url: tokenDealer.url, path: TOKEN_PATH, ...client } },
      limit: { process: limit, request: { url: limit.url, path: TOKEN_PATH, ...client } },
    };

    // A real TokenDealer token must pass the guard: proves the load asks for valid tokens.
    const tokenDealerToken = await requestToken(targets.tokendealer.request);
    await createVerifier({ issuer: tokenDealer.url, audience: BENCH_AUDIENCE }).verify(tokenDealerToken, { scopes: [BENCH_SCOPE] });
    const limitToken = await requestToken(targets.limit.request);

    for (const name of ['tokendealer', 'limit'] as const) {
      log(`  warm-up ${name} (${plan.warmupSeconds} s)`);
      await runTokenLoad(targets[name].request, targets[name].process.pid, { ...plan, durationSeconds: plan.warmupSeconds });
    }

    const runs: TokenEndpointRun[] = [];
    for (let round = 0; round < plan.runsPerServer; round++) {
      // Alternate which server goes first, so neither always follows the other's heat.
      const order: TokenServerName[] = round % 2 === 0 ? ['tokendealer', 'limit'] : ['limit', 'tokendealer'];
      for (const name of order) {
        const { process: server, request } = targets[name];
        const result = await runTokenLoad(request, server.pid, plan);
        const run: TokenEndpointRun = {
          server: name,
          order: runs.length + 1,
          ...result,
          peakRssMiB: procMemoryMiB(server.pid, 'VmHWM'),
          rssMiB: procMemoryMiB(server.pid, 'VmRSS'),
        };
        runs.push(run);
        log(
          `  run ${run.order} ${name.padEnd(11)} ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.latencyP99Ms} ms, ` +
            `non-2xx ${result.non2xx}, errors ${result.errors}` +
            (run.peakRssMiB === undefined ? '' : `, peak RSS ${run.peakRssMiB.toFixed(1)} MiB`),
        );
      }
    }
    return { plan, runs, tokenDealerTokenShape: tokenShape(tokenDealerToken), limitTokenShape: tokenShape(limitToken) };
  } catch (error) {
    for (const server of servers) {
      const tail = server.stderrTail();
      if (tail !== '') console.error(`--- ${server.name} stderr ---\n${tail}`);
    }
    throw error;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
