// `npm run bench`: token endpoint throughput and memory (TokenDealer vs a bare node:http limit),
// in-process guard verification (vs raw node:crypto), the gateway as a rate-limiting proxy (vs
// nginx limit_req + proxy_pass) and its limiter alone, the refresh_token grant and the sign-in POST (with
// the password hash that bounds it), and the Strava import (sandbox to data service), in one run on one machine.
// Writes docs/benchmarks.json (every run) and docs/benchmarks.md (the report).
// BENCH_REDIS_URL: the Redis of the gateway's Redis store (default redis://127.0.0.1:6379).
import { performance } from 'node:perf_hooks';
import type { BenchRecord } from './lib/bench-record.js';
import { pinThisProcessToLoadGeneratorCore } from './lib/cpu-pinning.js';
import { benchDataService, writeDataServiceSection } from './lib/dataservice-bench.js';
import { benchLimiter } from './lib/limiter-bench.js';
import { describeMachine } from './lib/machine.js';
import { benchProxies } from './lib/proxy-bench.js';
import { writeReportFiles } from './lib/report-files.js';
import { sourceRevision } from './lib/source-revision.js';
import { round } from './lib/stats.js';
import { summarize } from './lib/summary.js';
import { benchTokenEndpoint } from './lib/token-endpoint-bench.js';
import { benchUserGrants } from './lib/user-grants-bench.js';
import { benchVerification } from './lib/verify-bench.js';
import { TOKEN_ENDPOINT_PLAN, VERIFY_PLAN } from './lib/plans.js';
import { benchStravaImport } from './lib/strava-import-bench.js';
import { STRAVA_IMPORT_PLAN } from './lib/strava-import-plan.js';

// Sized so the whole bench stays under about eight minutes (token endpoint and verification about
// 90 s, proxies in two layouts about 230 s, limiter about 30 s, refresh tokens and sign-in about 70 s).
const PROXY_PLAN = { connections: 50, warmupSeconds: 3, durationSeconds: 5, rounds: 5 };
const LIMITER_PLAN = {
  warmupSeconds: 0.5,
  rounds: 5,
  memorySampleSeconds: 0.3,
  redisSampleSeconds: 1,
  manyKeys: 100_000,
  churnKeys: 400_000,
  churnTableKeys: 100_000,
  memoryKeys: 100_000,
  redisInFlight: 50,
  redisManyKeys: 10_000,
};
const USER_GRANTS_PLAN = {
  refresh: { connections: 50, warmupSeconds: 2, durationSeconds: 3, rounds: 5 },
  // A sign-in costs about half a second of CPU: counted runs of three cycles of the 4 connections.
  signIn: { connections: 4, requestsPerRun: 12, warmupRequests: 4, runs: 3, sequentialHashes: 10, concurrentHashes: 4, concurrentHashRounds: 2 },
};
// About 70 s: 2 servers x 8 short rounds x (1 s warm-up + 3 s), plus writing 10,000 runs and the start-ups;
// many short alternating rounds keep a busy spell of a shared machine from deciding the medians.
const DATASERVICE_PLAN = { runs: 10_000, connections: 20, warmupSeconds: 1, durationSeconds: 3, rounds: 8 };
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const started = performance.now();
  const machine = describeMachine();
  const loadGeneratorPinned = pinThisProcessToLoadGeneratorCore();
  log(`bench: ${machine.cores} cores, Node.js ${machine.node}, taskset ${machine.taskset ? 'yes' : 'no'}`);

  log('1/7 token endpoint: TokenDealer vs bare node:http limit');
  const tokenEndpoint = await benchTokenEndpoint(TOKEN_ENDPOINT_PLAN, log);
  log('2/7 guard verification vs raw node:crypto');
  const verification = await benchVerification(VERIFY_PLAN, log);
  log('3/7 proxy: gateway vs nginx limit_req + proxy_pass');
  const proxy = await benchProxies(PROXY_PLAN, REDIS_URL, log);
  log('4/7 gateway limiter alone');
  const limiter = await benchLimiter(LIMITER_PLAN, REDIS_URL, log);
  log('5/7 refresh_token grant and sign-in POST (with the password hash alone)');
  const userGrants = await benchUserGrants(USER_GRANTS_PLAN, log);
  log('6/7 data service: a month of runs (token verified) vs the same query on a bare route');
  const dataService = await benchDataService(DATASERVICE_PLAN, log);
  log('7/7 Strava import: sandbox to the data service through the Strava service');
  const stravaImport = await benchStravaImport(STRAVA_IMPORT_PLAN, log);

  const summary = summarize(tokenEndpoint, verification, proxy, limiter, userGrants);
  const record: BenchRecord = {
    generatedAt: new Date().toISOString(),
    command: 'npm run bench',
    elapsedSeconds: round((performance.now() - started) / 1000, 1),
    machine,
    source: sourceRevision(),
    loadGeneratorPinned,
    tokenEndpoint,
    verification,
    proxy,
    limiter,
    userGrants,
    dataService,
    stravaImport,
    summary,
  };
  const written = writeReportFiles(record);

  const { tokendealer, limit } = summary.tokenEndpoint.servers;
  log('');
  log(`token endpoint  TokenDealer ${Math.round(tokendealer.medianRequestsPerSecond)} req/s (p99 ${tokendealer.medianLatencyP99Ms} ms), ` +
    `limit ${Math.round(limit.medianRequestsPerSecond)} req/s (p99 ${limit.medianLatencyP99Ms} ms), ratio ${summary.tokenEndpoint.medianRoundRatio.toFixed(2)} (median of the rounds)`);
  log(`memory          TokenDealer peak RSS ${summary.tokenEndpoint.peakRssMiB?.toFixed(1) ?? 'n/a'} MiB`);
  for (const variant of summary.verification) {
    log(`verify          ${variant.description}: ${Math.round(variant.medianOpsPerSecond)} ops/s (${variant.medianRoundRatioToRaw.toFixed(3)} x raw, median of the rounds)`);
  }
  for (const entry of summary.proxy.proxies) {
    log(`proxy           ${entry.description}: ${Math.round(entry.medianRequestsPerSecond)} req/s (p99 ${entry.medianLatencyP99Ms} ms), ` +
      `${entry.requestsRatioToNginx.toFixed(2)} x nginx req/s, p99 ${entry.p99RatioToNginx.toFixed(2)} x nginx`);
  }
  for (const entry of summary.proxy.sharedCore?.proxies ?? []) {
    log(`proxy, shared  ${entry.description}: ${entry.medianServerCpuMicrosecondsPerRequest?.toFixed(0) ?? 'n/a'} µs CPU per request, ` +
      `nginx / this ${entry.cpuNormalizedRatioToNginx?.toFixed(2) ?? 'n/a'}; ${Math.round(entry.medianRequestsPerSecond)} req/s`);
  }
  for (const variant of summary.limiter.variants) {
    log(`limiter         ${variant.description}: ${Math.round(variant.medianDecisionsPerSecond)} decisions/s`);
  }
  log(`limiter         memory store: ${Math.round(summary.limiter.medianBytesPerKey)} B heap per tracked key, ${summary.limiter.mibPer100kKeys.toFixed(1)} MiB per 100k keys`);
  for (const variant of summary.userGrants.refresh) {
    log(`refresh_token   ${variant.variant}: ${Math.round(variant.medianRequestsPerSecond)} req/s (p99 ${variant.medianLatencyP99Ms} ms), ` +
      `${variant.ratioToClientCredentials.toFixed(2)} x client_credentials req/s`);
  }
  const { signIn } = summary.userGrants;
  log(`sign-in POST    ${signIn.medianRequestsPerSecond.toFixed(2)} req/s (p50 ${signIn.medianLatencyP50Ms} ms, p99 ${signIn.medianLatencyP99Ms} ms), ` +
    `server CPU ${signIn.medianServerCpuMsPerSignIn?.toFixed(0) ?? 'n/a'} ms per sign-in; scrypt verify alone ${signIn.hash.sequential.medianLatencyMs.toFixed(0)} ms, ` +
    `${signIn.hash.sequential.hashesPerSecond.toFixed(2)} hashes/s (1 at a time), ${signIn.hash.concurrent.hashesPerSecond.toFixed(2)} (${signIn.hash.concurrent.concurrency} at a time)`);
  const ds = dataService.summary;
  log(`data service    month of runs ${Math.round(ds.servers.dataservice.medianRequestsPerSecond)} req/s vs bare route ${Math.round(ds.servers.bare.medianRequestsPerSecond)} req/s, ` +
    `ratio ${ds.ratio.toFixed(2)} (target ${ds.ratioTarget}), peak RSS ${ds.dataServicePeakRssMiB?.toFixed(1) ?? 'n/a'} MiB`);
  log(`strava import    ${Math.round(stravaImport.medianActivitiesPerSecond)} activities/s (${Math.round(stravaImport.medianRunsPerSecond)} runs/s), ` +
    `Strava service peak RSS ${stravaImport.peakRssMiB?.toFixed(1) ?? 'n/a'} MiB; ${stravaImport.medianActivitiesPerSecond >= stravaImport.targetActivitiesPerSecond ? 'PASS' : 'FAIL'} (target ${stravaImport.targetActivitiesPerSecond} activities/s)`);
  for (const check of summary.checks) log(`${check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${check.measured} (target ${check.target})`);
  log(`wrote ${written.join(' and ')} in ${record.elapsedSeconds} s`);
  // Failed responses make the numbers meaningless, so the run itself fails; a missed target is a result, reported only.
  if (summary.checks.some((check) => check.kind === 'validity' && !check.pass)) process.exitCode = 1;
}

/** `BENCH_ONLY=dataservice`: only the data service section, written into the existing report. */
async function dataServiceOnly(): Promise<void> {
  pinThisProcessToLoadGeneratorCore();
  log('data service: a month of runs (token verified) vs the same query on a bare route');
  const results = await benchDataService(DATASERVICE_PLAN, log);
  const written = writeDataServiceSection(results);
  const ds = results.summary;
  log(`ratio ${ds.ratio.toFixed(2)} (target ${ds.ratioTarget}), CPU per request ratio ${ds.cpuRatio?.toFixed(2) ?? 'n/a'}, peak RSS ${ds.dataServicePeakRssMiB?.toFixed(1) ?? 'n/a'} MiB; wrote ${written.join(' and ')}`);
}

(process.env.BENCH_ONLY === 'dataservice' ? dataServiceOnly() : main())
  .catch((error: unknown) => {
    console.error('bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  })
  // Servers are stopped by now; exiting explicitly also drops idle keep-alive sockets of fetch.
  .finally(() => process.exit());
