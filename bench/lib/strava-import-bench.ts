// Strava import throughput, end to end: the Strava service (its own process, as operators run
// it) reads runners' histories from the Strava sandbox (rate limits off) page by page and writes
// the runs into the real data service (its own process), with tokens from a real TokenDealer.
// Each round links every sandbox athlete to a new runner and times until every import is idle;
// reported: activities read per second, runs written per second, and the Strava service's peak RSS.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStravaSandbox, type StravaSandbox } from '@runnerly/strava-sandbox';
import { startTestTokenDealer } from '@runnerly/test-support';
import { startServerProcess, type ServerProcess } from './child-processes.js';
import { REPO_ROOT } from './paths.js';
import { procMemoryMiB } from './proc-status.js';
import { median, round } from './stats.js';

export interface StravaImportPlan {
  /** Sandbox athletes (at most 5), each linked to a new runner every round. */
  athletes: number;
  /** Months of generated history per athlete. */
  months: number;
  rounds: number;
}

export interface StravaImportRound {
  activities: number;
  runs: number;
  seconds: number;
  activitiesPerSecond: number;
  runsPerSecond: number;
}

export interface StravaImportResults {
  plan: StravaImportPlan;
  concurrency: number;
  rounds: StravaImportRound[];
  medianActivitiesPerSecond: number;
  medianRunsPerSecond: number;
  /** VmHWM of the Strava service process after every round. */
  peakRssMiB: number | undefined;
  targetActivitiesPerSecond: number;
}

const CLIENT_ID = '4242';
const CLIENT_SECRET = 'bench-strava-secret';
const PUBLIC_URL = 'http://127.0.0.1:8080';
const RUN_TYPES = new Set(['Run', 'TrailRun', 'VirtualRun']);
const CONCURRENCY = 2;
export const STRAVA_IMPORT_TARGET = 500;

export async function benchStravaImport(plan: StravaImportPlan, log: (line: string) => void): Promise<StravaImportResults> {
  const dir = mkdtempSync(join(tmpdir(), 'runnerly-bench-strava-'));
  const tokenDealer = await startTestTokenDealer();
  const strava = createStravaSandbox({ clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }], rateLimits: false, seed: { athletes: plan.athletes, months: plan.months } });
  const servers: ServerProcess[] = [];
  try {
    const sandboxUrl = await strava.listen({ host: '127.0.0.1', port: 0 });
    const serviceClient = await tokenDealer.createServiceClient({ name: 'strava service', scopes: ['runs:import'], audiences: ['runnerly-data'] });
    const quiet = { PATH: process.env.PATH ?? '', NODE_ENV: 'development' };
    const data = await startServerProcess({
      name: 'dataservice',
      command: process.execPath,
      args: ['packages/dataservice/bin/runnerly-dataservice.js'],
      cwd: REPO_ROOT,
      env: { ...quiet, DATASERVICE_PORT: '0', DATASERVICE_DB: `sqlite:${join(dir, 'dataservice.sqlite')}`, TOKENDEALER_ISSUER: tokenDealer.issuer, DATASERVICE_LOG_LEVEL: 'warn' },
      readyLine: /^runnerly-dataservice listening on (http:\/\/\S+)$/,
      timeoutMs: 30_000,
    });
    servers.push(data);
    const service = await startServerProcess({
      name: 'strava',
      command: process.execPath,
      args: ['packages/strava/bin/runnerly-strava.js'],
      cwd: REPO_ROOT,
      env: {
        ...quiet,
        STRAVA_PORT: '0',
        STRAVA_DB: `sqlite:${join(dir, 'strava.sqlite')}`,
        STRAVA_CLIENT_ID: CLIENT_ID,
        STRAVA_CLIENT_SECRET: CLIENT_SECRET,
        STRAVA_OAUTH_URL: `${sandboxUrl}/oauth`,
        STRAVA_API_URL: `${sandboxUrl}/api/v3`,
        STRAVA_TOKEN_KEY: randomBytes(32).toString('base64'),
        TOKENDEALER_ISSUER: tokenDealer.issuer,
        STRAVA_SERVICE_CLIENT_ID: serviceClient.clientId,
        STRAVA_SERVICE_CLIENT_SECRET: serviceClient.clientSecret,
        DATASERVICE_URL: data.url,
        PUBLIC_URL,
        STRAVA_IMPORT_CONCURRENCY: String(CONCURRENCY),
        STRAVA_LOG_LEVEL: 'warn',
      },
      readyLine: /^runnerly-strava listening on (http:\/\/\S+)$/,
      timeoutMs: 30_000,
    });
    servers.push(service);

    const athletes = strava.admin.athletes().map((athlete) => athlete.id);
    const activities = athletes.reduce((sum, id) => sum + strava.admin.activities(id).length, 0);
    const runs = athletes.reduce((sum, id) => sum + strava.admin.activities(id).filter((activity) => RUN_TYPES.has(activity.sport_type)).length, 0);
    log(`  ${athletes.length} athletes, ${activities} activities (${runs} runs) per round`);

    const rounds: StravaImportRound[] = [];
    for (let index = 0; index < plan.rounds; index += 1) {
      const runners = athletes.map(() => randomUUID());
      const started = performance.now();
      for (const [index, runner] of runners.entries()) await link(service.url, strava, runner, athletes[index]!, tokenDealer.userToken.bind(tokenDealer));
      for (const runner of runners) await untilIdle(service.url, runner, tokenDealer.userToken.bind(tokenDealer));
      const seconds = (performance.now() - started) / 1000;
      rounds.push({ activities, runs, seconds: round(seconds, 2), activitiesPerSecond: round(activities / seconds, 0), runsPerSecond: round(runs / seconds, 0) });
      log(`  round ${index + 1}: ${activities} activities in ${seconds.toFixed(2)} s, ${Math.round(activities / seconds)} activities/s, ${Math.round(runs / seconds)} runs/s`);
      // Unlinked (runs kept) so the next round links the same athletes to new runners.
      for (const runner of runners) await unlink(service.url, runner, tokenDealer.userToken.bind(tokenDealer));
    }
    const peakRssMiB = procMemoryMiB(service.pid, 'VmHWM');
    return {
      plan,
      concurrency: CONCURRENCY,
      rounds,
      medianActivitiesPerSecond: median(rounds.map((r) => r.activitiesPerSecond)),
      medianRunsPerSecond: median(rounds.map((r) => r.runsPerSecond)),
      peakRssMiB: peakRssMiB === undefined ? undefined : round(peakRssMiB, 1),
      targetActivitiesPerSecond: STRAVA_IMPORT_TARGET,
    };
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await strava.close();
    await tokenDealer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

type UserToken = (options: { sub: string; scopes: string[]; audience: string }) => string;

const bearer = (userToken: UserToken, sub: string) => ({ authorization: `Bearer ${userToken({ sub, scopes: ['strava'], audience: `${PUBLIC_URL}/api` })}` });

async function link(base: string, sandbox: StravaSandbox, sub: string, athleteId: number, userToken: UserToken): Promise<void> {
  const started = await fetch(`${base}/api/strava/users/me/link`, { method: 'POST', headers: bearer(userToken, sub) });
  if (started.status !== 200) throw new Error(`link answered ${started.status}`);
  const authorize = new URL(((await started.json()) as { authorize_url: string }).authorize_url);
  const { code, scope } = sandbox.admin.authorize({ clientId: CLIENT_ID, athleteId, scopes: ['read', 'activity:read_all'] });
  const callback = await fetch(`${base}/strava/callback?${new URLSearchParams({ state: authorize.searchParams.get('state')!, code, scope })}`, { redirect: 'manual' });
  const location = callback.headers.get('location') ?? '';
  if (!location.includes('strava=linked')) throw new Error(`link failed: ${location}`);
}

async function untilIdle(base: string, sub: string, userToken: UserToken): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const status = (await (await fetch(`${base}/api/strava/users/me`, { headers: bearer(userToken, sub) })).json()) as { state: string; last_error: string | null };
    if (status.state === 'idle') return;
    if (status.state === 'failed' || Date.now() > deadline) throw new Error(`import of ${sub} ${status.state}: ${status.last_error}`);
    await sleep(20);
  }
}

async function unlink(base: string, sub: string, userToken: UserToken): Promise<void> {
  const response = await fetch(`${base}/api/strava/users/me/link`, { method: 'DELETE', headers: bearer(userToken, sub) });
  if (response.status !== 200) throw new Error(`unlink answered ${response.status}`);
}
