// The data service's month-of-runs endpoint, for a runner with 10,000 runs: the service as
// operators run it (its bin, token verified by the guard against a real TokenDealer, the profile
// read for the runner's time zone) against the same query behind a bare Fastify route without
// auth. Both in their own process on the server core, loaded alternately; medians of the rounds.
// Also the data service's peak resident memory (VmHWM) over the whole section.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage, type ImportedRunValues } from '@runnerly/dataservice';
import { startTestTokenDealer } from '@runnerly/test-support';
import { startServerProcess, type ServerProcess } from './child-processes.js';
import { pinnedCommand, SERVER_CORE } from './cpu-pinning.js';
import { runHttpLoad, type LoadResult } from './http-load.js';
import { DOCS_DIR, REPO_ROOT } from './paths.js';
import { procMemoryMiB } from './proc-status.js';
import { benchTempDir, cleanEnvironment } from './tokendealer-process.js';
import { max, median, min, round } from './stats.js';

const DATASERVICE_BIN = fileURLToPath(new URL('../../../packages/dataservice/bin/runnerly-dataservice.js', import.meta.url));
const BARE_MONTH_SERVER = fileURLToPath(new URL('./bare-month-server.js', import.meta.url));

export const DATASERVICE_RATIO_TARGET = 0.8;
const PUBLIC_AUDIENCE = 'http://127.0.0.1:8080/api';
const RUNNER = 'bench-runner';
const TIME_ZONE = 'Europe/Paris';
/** March 2020: a month with a DST change in the runner's zone, well inside the runs' span. */
const MONTH = { year: 2020, month: 3 };

export interface DataServicePlan {
  runs: number;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  rounds: number;
}

export type DataServiceServer = 'dataservice' | 'bare';

export interface DataServiceRun extends LoadResult {
  server: DataServiceServer;
  round: number;
}

export interface DataServiceResults {
  plan: DataServicePlan;
  timeZone: string;
  month: string;
  runsInMonth: number;
  responseBytes: number;
  runs: DataServiceRun[];
  summary: {
    servers: Record<DataServiceServer, { medianRequestsPerSecond: number; minRequestsPerSecond: number; maxRequestsPerSecond: number; medianLatencyP99Ms: number; medianServerCpuMicrosecondsPerRequest: number | undefined }>;
    ratio: number;
    /** Bare route's server CPU per request over the data service's: the same comparison, far less sensitive to other work on the machine. */
    cpuRatio: number | undefined;
    ratioTarget: number;
    pass: boolean;
    dataServicePeakRssMiB: number | undefined;
  };
}

/** One run a day for `count` days from 2000-01-01, at varying times of day. */
function seedRuns(count: number): ImportedRunValues[] {
  const first = Date.parse('2000-01-01T06:00:00Z') / 1000;
  return Array.from({ length: count }, (_, index) => {
    const start = first + index * 86_400 + ((index * 7919) % 43_200);
    return {
      source: 'file',
      source_key: `sha256:${index.toString(16).padStart(64, '0')}`,
      strava_id: null,
      name: `Run ${index}`,
      description: index % 3 === 0 ? 'Easy run along the river' : null,
      sport_type: 'Run',
      start_time: start,
      start_date_local: new Date((start + 3600) * 1000).toISOString().slice(0, 19),
      timezone: TIME_ZONE,
      distance: 5000 + (index % 20) * 500,
      moving_time: 1500 + (index % 20) * 150,
      elapsed_time: 1600 + (index % 20) * 150,
      total_elevation_gain: 20 + (index % 50),
      average_speed: 3.3,
      max_speed: 4.8,
      average_heartrate: 148,
      max_heartrate: 172,
      summary_polyline: 'u{~vFvyys@fS]'.repeat(8),
    };
  });
}

function startDataService(databaseUrl: string, issuer: string): Promise<ServerProcess> {
  const { command, args } = pinnedCommand(SERVER_CORE, process.execPath, [DATASERVICE_BIN]);
  return startServerProcess({
    name: 'data service',
    command,
    args,
    cwd: REPO_ROOT,
    env: { ...cleanEnvironment(), DATASERVICE_PORT: '0', DATASERVICE_LOG_LEVEL: 'warn', DATASERVICE_DB: databaseUrl, TOKENDEALER_ISSUER: issuer, PUBLIC_API_AUDIENCE: PUBLIC_AUDIENCE },
    readyLine: /^runnerly-dataservice listening on (http:\/\/127\.0\.0\.1:\d+)$/,
    timeoutMs: 30_000,
  });
}

function startBareServer(databaseUrl: string): Promise<ServerProcess> {
  const { command, args } = pinnedCommand(SERVER_CORE, process.execPath, [BARE_MONTH_SERVER, databaseUrl, RUNNER, TIME_ZONE]);
  return startServerProcess({ name: 'bare month server', command, args, cwd: REPO_ROOT, env: cleanEnvironment(), readyLine: /listening on (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs: 30_000 });
}

export async function benchDataService(plan: DataServicePlan, log: (line: string) => void): Promise<DataServiceResults> {
  const dir = benchTempDir();
  const databaseUrl = `sqlite:${join(dir, 'dataservice.sqlite')}`;
  const storage = await openStorage(databaseUrl);
  await storage.profiles.update(RUNNER, { timezone: TIME_ZONE }, '2026-01-01T00:00:00Z');
  await storage.runs.importRuns(RUNNER, seedRuns(plan.runs), '2026-01-01T00:00:00Z');
  await storage.close();
  log(`  ${plan.runs} runs written for one runner`);

  const tokenDealer = await startTestTokenDealer();
  const servers: Partial<Record<DataServiceServer, ServerProcess>> = {};
  try {
    servers.dataservice = await startDataService(databaseUrl, tokenDealer.issuer);
    servers.bare = await startBareServer(databaseUrl);
    const token = tokenDealer.userToken({ sub: RUNNER, scopes: ['runs:read'], audience: PUBLIC_AUDIENCE, lifetimeSeconds: 3600 });
    const requests = {
      dataservice: { url: `${servers.dataservice.url}/api/data/users/me/runs?year=${MONTH.year}&month=${MONTH.month}`, method: 'GET' as const, headers: { authorization: `Bearer ${token}` } },
      bare: { url: `${servers.bare.url}/month?year=${MONTH.year}&month=${MONTH.month}`, method: 'GET' as const, headers: {} },
    };
    // Both answer the same runs: otherwise the comparison means nothing.
    const answers = await Promise.all([fetch(requests.dataservice.url, { headers: requests.dataservice.headers }), fetch(requests.bare.url)]);
    const [served, bare] = await Promise.all(answers.map((answer) => answer.text()));
    if (answers.some((answer) => answer.status !== 200) || served !== bare) throw new Error(`the data service and the bare route answer differently (${answers.map((a) => a.status).join(', ')})`);
    const runsInMonth = (JSON.parse(served!) as { runs: unknown[] }).runs.length;
    log(`  ${runsInMonth} runs in ${MONTH.year}-${MONTH.month} (${served!.length} bytes per answer)`);

    const runs: DataServiceRun[] = [];
    for (let roundNumber = 1; roundNumber <= plan.rounds; roundNumber += 1) {
      // Alternate which goes first, so a slow spell of the machine does not always hit the same one.
      const order: DataServiceServer[] = roundNumber % 2 === 1 ? ['dataservice', 'bare'] : ['bare', 'dataservice'];
      for (const server of order) {
        const pid = servers[server]!.pid;
        await runHttpLoad(requests[server], pid, { connections: plan.connections, durationSeconds: plan.warmupSeconds });
        const result = await runHttpLoad(requests[server], pid, { connections: plan.connections, durationSeconds: plan.durationSeconds });
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${server}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
        runs.push({ ...result, server, round: roundNumber });
        log(`  round ${roundNumber} ${server}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.latencyP99Ms} ms`);
      }
    }
    const dataServicePeakRssMiB = procMemoryMiB(servers.dataservice.pid, 'VmHWM');
    const summarize = (server: DataServiceServer) => {
      const mine = runs.filter((run) => run.server === server);
      const perRequest = mine.map((run) => run.serverCpuMicrosecondsPerRequest).filter((value): value is number => value !== undefined);
      return {
        medianRequestsPerSecond: round(median(mine.map((run) => run.requestsPerSecond))),
        minRequestsPerSecond: round(min(mine.map((run) => run.requestsPerSecond))),
        maxRequestsPerSecond: round(max(mine.map((run) => run.requestsPerSecond))),
        medianLatencyP99Ms: median(mine.map((run) => run.latencyP99Ms)),
        medianServerCpuMicrosecondsPerRequest: perRequest.length === 0 ? undefined : round(median(perRequest)),
      };
    };
    const summary = { dataservice: summarize('dataservice'), bare: summarize('bare') };
    const ratio = round(summary.dataservice.medianRequestsPerSecond / summary.bare.medianRequestsPerSecond, 3);
    const cpu = [summary.dataservice.medianServerCpuMicrosecondsPerRequest, summary.bare.medianServerCpuMicrosecondsPerRequest];
    const cpuRatio = cpu[0] === undefined || cpu[1] === undefined ? undefined : round(cpu[1] / cpu[0], 3);
    return {
      plan,
      timeZone: TIME_ZONE,
      month: `${MONTH.year}-${String(MONTH.month).padStart(2, '0')}`,
      runsInMonth,
      responseBytes: served!.length,
      runs,
      summary: {
        servers: summary,
        ratio,
        cpuRatio,
        ratioTarget: DATASERVICE_RATIO_TARGET,
        pass: ratio >= DATASERVICE_RATIO_TARGET,
        dataServicePeakRssMiB: dataServicePeakRssMiB === undefined ? undefined : round(dataServicePeakRssMiB, 1),
      },
    };
  } finally {
    await servers.dataservice?.stop();
    await servers.bare?.stop();
    await tokenDealer.stop();
  }
}

const fmt = (value: number, digits = 0) => round(value, digits).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const DATASERVICE_SECTION_START = '<!-- dataservice-bench:start -->';
export const DATASERVICE_SECTION_END = '<!-- dataservice-bench:end -->';

/** The report's data service section, between markers so a section-only run can replace it in place. */
export function renderDataServiceSection(results: DataServiceResults, generatedAt: string): string {
  const { summary, plan } = results;
  const row = (name: string, server: DataServiceServer) => {
    const entry = summary.servers[server];
    return `| ${name} | ${fmt(entry.medianRequestsPerSecond)} (${fmt(entry.minRequestsPerSecond)}-${fmt(entry.maxRequestsPerSecond)}) | ${fmt(entry.medianLatencyP99Ms)} | ${entry.medianServerCpuMicrosecondsPerRequest === undefined ? 'n/a' : fmt(entry.medianServerCpuMicrosecondsPerRequest)} |`;
  };
  return [
    DATASERVICE_SECTION_START,
    '## Data service: a month of runs',
    '',
    `Measured ${generatedAt} (\`npm run bench\`, or this section alone with \`BENCH_ONLY=dataservice npm run bench\`).`,
    '',
    `\`GET /api/data/users/me/runs?year=${results.month.slice(0, 4)}&month=${Number(results.month.slice(5))}\` for a runner with ${fmt(plan.runs)} runs (one a day, SQLite), ` +
      `${results.runsInMonth} of them in that month on the runner's calendar (${results.timeZone}), ${fmt(results.responseBytes)} bytes per answer. ` +
      'The data service runs as operators run it (its bin): the user token verified by the guard with keys from a real TokenDealer, the profile read for the time zone, the month query, the response schema. ' +
      'The limit is the same store, query and response schema behind a bare Fastify route without a token or a profile. ' +
      `Each in its own process pinned to the server core; ${plan.connections} connections, ${plan.warmupSeconds} s warm-up and ${plan.durationSeconds} s measured per run, ${plan.rounds} rounds alternating which goes first; medians (min-max).`,
    '',
    '| server | req/s | p99 ms | server CPU µs/request |',
    '| --- | --- | --- | --- |',
    row('data service (token verified)', 'dataservice'),
    row('bare Fastify route, no auth', 'bare'),
    '',
    `Ratio data service / bare: **${summary.ratio.toFixed(2)}** (target at least ${summary.ratioTarget}): **${summary.pass ? 'PASS' : 'FAIL'}**. ` +
      `By server CPU per request (bare / data service, much less sensitive to other work on the machine): **${summary.cpuRatio === undefined ? 'n/a' : summary.cpuRatio.toFixed(2)}**. ` +
      `Data service peak RSS (VmHWM) over the section: **${summary.dataServicePeakRssMiB === undefined ? 'n/a' : `${fmt(summary.dataServicePeakRssMiB, 1)} MiB`}**.`,
    DATASERVICE_SECTION_END,
  ].join('\n');
}

/**
 * For `BENCH_ONLY=dataservice`: puts this section into docs/benchmarks.md in place of the previous one
 * (or at the end) and its numbers into docs/benchmarks.json, leaving the other sections as they were.
 */
export function writeDataServiceSection(results: DataServiceResults, generatedAt: string): string[] {
  const markdownFile = join(DOCS_DIR, 'benchmarks.md');
  const jsonFile = join(DOCS_DIR, 'benchmarks.json');
  const section = renderDataServiceSection(results, generatedAt);
  const markdown = existsSync(markdownFile) ? readFileSync(markdownFile, 'utf8') : '# Benchmarks\n';
  const start = markdown.indexOf(DATASERVICE_SECTION_START);
  const end = markdown.indexOf(DATASERVICE_SECTION_END);
  const updated =
    start >= 0 && end > start ? `${markdown.slice(0, start)}${section}${markdown.slice(end + DATASERVICE_SECTION_END.length)}` : `${markdown.replace(/\n*$/, '')}\n\n${section}\n`;
  writeFileSync(markdownFile, updated);
  const record = existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(jsonFile, `${JSON.stringify({ ...record, dataService: { generatedAt, ...results } }, null, 2)}\n`);
  return ['docs/benchmarks.md', 'docs/benchmarks.json'];
}
