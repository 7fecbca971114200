// The sign-in form's POST against a TokenDealer already running, and the password hash that bounds
// it, measured alone in this process: TokenDealer's own PasswordHasher (compiled, production
// parameters), which every sign-in runs once.
import { performance } from 'node:perf_hooks';
import type * as PasswordHasherModule from '../../packages/tokendealer/dist/src/accounts/password-hasher.js';
import type { ServerProcess } from './child-processes.js';
import { ConnectionSlots, runHttpLoad, type HttpRequestSpec, type LoadResult } from './http-load.js';
import { TOKENDEALER_PASSWORD_HASHER_URL } from './paths.js';
import { procMemoryMiB } from './proc-status.js';
import { median } from './stats.js';

export const SIGN_IN_PATH = '/signin';

export interface SignInPlan {
  /** Few: each sign-in is one scrypt of 128 MiB, run on libuv's thread pool (4 threads by default). One account per connection. */
  connections: number;
  /** Sign-ins per run (a multiple of `connections`), and before the runs as a warm-up. */
  requestsPerRun: number;
  warmupRequests: number;
  runs: number;
  /** In process: verifications one at a time, then rounds of `concurrentHashes` at once. */
  sequentialHashes: number;
  concurrentHashes: number;
  concurrentHashRounds: number;
}

export interface SignInAccount {
  email: string;
  password: string;
}

export interface SignInRun extends LoadResult {
  order: number;
  /** Responses that were the 303 of a successful sign-in. */
  signedIn: number;
  /** Every other outcome: other statuses, errors, timeouts. */
  failures: number;
  /** VmHWM of the server after this run. */
  peakRssMiB: number | undefined;
}

export interface SignInPreflight {
  /** GET /signin set one cookie (the anonymous CSRF binding) and embedded a CSRF token in the form. */
  csrfCookieName: string;
  /** One POST with the right password: its status, where it sent the browser, and whether it set a session cookie. */
  status: number;
  location: string | null;
  sessionCookieSet: boolean;
}

export interface SignInResults {
  plan: SignInPlan;
  preflight: SignInPreflight;
  runs: SignInRun[];
}

export interface HashSample {
  concurrency: number;
  hashes: number;
  seconds: number;
  hashesPerSecond: number;
  latenciesMs: number[];
  medianLatencyMs: number;
  /** CPU time of this process (all its threads) per hash. */
  cpuMsPerHash: number;
}

export interface PasswordHashResults {
  parameters: PasswordHasherModule.ScryptParameters;
  /** scrypt's working memory per hash: 128 * N * r bytes. */
  memoryMiB: number;
  /** libuv's thread pool, where node:crypto runs scrypt: UV_THREADPOOL_SIZE, or 4. */
  threadPoolSize: number;
  sequential: HashSample;
  concurrent: HashSample;
}

/** The form as the page serves it: the CSRF cookie and the token of its hidden field. */
async function signInForm(baseUrl: string): Promise<{ cookie: string; cookieName: string; csrfToken: string }> {
  const response = await fetch(new URL(SIGN_IN_PATH, baseUrl), { signal: AbortSignal.timeout(10_000) });
  const page = await response.text();
  const cookies = response.headers.getSetCookie();
  const cookie = cookies[0]?.split(';')[0];
  const csrfToken = /<input type="hidden" name="csrf_token" value="([^"]+)">/.exec(page)?.[1];
  if (response.status !== 200 || cookies.length !== 1 || cookie === undefined || csrfToken === undefined) {
    throw new Error(`GET ${SIGN_IN_PATH} answered HTTP ${response.status} with ${cookies.length} cookies and ${csrfToken === undefined ? 'no' : 'a'} CSRF token`);
  }
  return { cookie, cookieName: cookie.slice(0, cookie.indexOf('=')), csrfToken };
}

export async function benchSignIn(server: ServerProcess, accounts: readonly SignInAccount[], plan: SignInPlan, log: (line: string) => void): Promise<SignInResults> {
  const form = await signInForm(server.url);
  const signInBody = (account: SignInAccount) => new URLSearchParams({ csrf_token: form.csrfToken, email: account.email, password: account.password }).toString();
  // The browser's POST: the anonymous cookie and the token bound to it. It never sends the session
  // cookie a sign-in sets, so every request is a new sign-in (one password check, one new session).
  // One account per connection, as different users signing in at once: TokenDealer limits how many
  // sign-ins of one account from one address it checks at once.
  const request: HttpRequestSpec = {
    url: new URL(SIGN_IN_PATH, server.url).href,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
  };
  const loaded = (): HttpRequestSpec => ({ ...request, dynamic: new ConnectionSlots(accounts.length).dynamic((slot) => signInBody(accounts[slot]!), () => {}) });

  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: signInBody(accounts[0]!), redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  const preflight: SignInPreflight = {
    csrfCookieName: form.cookieName,
    status: response.status,
    location: response.headers.get('location'),
    sessionCookieSet: response.headers.getSetCookie().some((cookie) => !cookie.startsWith(`${form.cookieName}=`) && !/Max-Age=0\b/.test(cookie)),
  };
  if (preflight.status !== 303 || !preflight.sessionCookieSet) throw new Error(`sign-in with the right password did not succeed: ${JSON.stringify(preflight)}`);

  log(`  warm-up sign-in (${plan.warmupRequests} requests)`);
  await runHttpLoad(loaded(), server.pid, { connections: plan.connections, requests: plan.warmupRequests });
  const runs: SignInRun[] = [];
  for (let i = 0; i < plan.runs; i++) {
    const result = await runHttpLoad(loaded(), server.pid, { connections: plan.connections, requests: plan.requestsPerRun });
    const answered = Object.values(result.statusCodes).reduce((sum, count) => sum + count, 0);
    const signedIn = result.statusCodes['303'] ?? 0;
    const run: SignInRun = {
      order: i + 1,
      ...result,
      signedIn,
      failures: answered - signedIn + result.errors + result.timeouts,
      peakRssMiB: procMemoryMiB(server.pid, 'VmHWM'),
    };
    runs.push(run);
    log(
      `  run ${run.order} sign-in     ${result.requestsPerSecond.toFixed(2)} req/s, p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms, ` +
        `303 ${signedIn} of ${result.totalRequests}, failures ${run.failures}, server CPU per sign-in ${((result.serverCpuMicrosecondsPerRequest ?? 0) / 1000).toFixed(0)} ms`,
    );
  }
  return { plan, preflight, runs };
}

/** TokenDealer's PasswordHasher with its production parameters, verifying the right password. */
export async function benchPasswordHash(plan: SignInPlan, log: (line: string) => void): Promise<PasswordHashResults> {
  const { PasswordHasher } = (await import(TOKENDEALER_PASSWORD_HASHER_URL)) as typeof PasswordHasherModule;
  const hasher = new PasswordHasher();
  const password = 'a bench passphrase, hashed as at sign-up';
  const stored = await hasher.hash(password);
  const verify = async (latencies: number[]) => {
    const started = performance.now();
    if (!(await hasher.verify(password, stored))) throw new Error('PasswordHasher.verify refused the right password');
    latencies.push(performance.now() - started);
  };
  await verify([]);

  const sample = async (concurrency: number, rounds: number): Promise<HashSample> => {
    const latenciesMs: number[] = [];
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let round = 0; round < rounds; round++) await Promise.all(Array.from({ length: concurrency }, () => verify(latenciesMs)));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const hashes = concurrency * rounds;
    return {
      concurrency,
      hashes,
      seconds,
      hashesPerSecond: hashes / seconds,
      latenciesMs,
      medianLatencyMs: median(latenciesMs),
      cpuMsPerHash: (cpu.user + cpu.system) / 1000 / hashes,
    };
  };
  const sequential = await sample(1, plan.sequentialHashes);
  const concurrent = await sample(plan.concurrentHashes, plan.concurrentHashRounds);
  for (const s of [sequential, concurrent]) {
    log(`  scrypt verify, ${s.concurrency} at a time: median ${s.medianLatencyMs.toFixed(0)} ms, ${s.hashesPerSecond.toFixed(2)} hashes/s, CPU ${s.cpuMsPerHash.toFixed(0)} ms per hash`);
  }
  const { parameters } = hasher;
  return {
    parameters,
    memoryMiB: (128 * 2 ** parameters.logN * parameters.r) / 1024 / 1024,
    threadPoolSize: Number(process.env.UV_THREADPOOL_SIZE) || 4,
    sequential,
    concurrent,
  };
}
