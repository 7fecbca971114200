// `node bench/dist/dashboard-bench.js`: the dashboard for a runner with 10,000 runs. (1) Time to
// data of the home page in Chromium (navigation until the totals, the weekly chart and the last
// runs are shown), repeated; (2) the BFF's API proxy next to calling the data service directly
// with the same kind of token, alternating request by request. TokenDealer, the data service and
// the dashboard run in this process (one event loop: the proxy's added latency includes sharing
// it). Prints the figures and writes the "Dashboard" section of docs/benchmarks.md.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { resolveOptions } from '@runnerly/service-config';
import { freePort, launchChromium, startTestTokenDealer } from '@runnerly/test-support';
import { resolveDataServiceConfig, startDataService } from '@runnerly/dataservice';
import { DASHBOARD_OPTIONS, startDashboard } from '@runnerly/dashboard';

const RUNS = 10_000;
const PAGE_LOADS = 15;
const PROXY_REQUESTS = 400;
const API = 'http://127.0.0.1:8080/api';
const PASSWORD = 'a long enough password for the bench';
const DOCS = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
const SECTION_START = '<!-- dashboard-bench:start -->';
const SECTION_END = '<!-- dashboard-bench:end -->';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;
const silent = pino({ level: 'silent' });

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-bench-'));
  const tokenDealer = await startTestTokenDealer();
  const data = await startDataService({ ...resolveDataServiceConfig({}), port: 0, db: `sqlite:${join(dir, 'data.sqlite')}`, issuer: tokenDealer.issuer, publicApiAudience: API, logLevel: 'silent' } as never, silent);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const scopes = ['openid', 'profile', 'email', 'runs:read', 'races:read', 'plans:read'];
  const client = await tokenDealer.createWebClient({ redirectUris: [`${url}/auth/callback`], scopes, audiences: [API], extra: { firstParty: true } });
  const dashboard = await startDashboard(
    { ...resolveOptions(DASHBOARD_OPTIONS, {}), port, publicUrl: url, db: `sqlite:${join(dir, 'dashboard.sqlite')}`, issuer: tokenDealer.issuer, clientId: client.clientId, clientSecret: client.clientSecret, scopes: scopes.join(' '), sessionKey: randomBytes(32).toString('base64'), dataServiceUrl: data.url, logLevel: 'silent' },
    silent,
  );
  const userId = await tokenDealer.createUser('bench@example.com', PASSWORD);

  // 10,000 runs over about four years, through the internal bulk endpoint as the Strava service sends them.
  const importer = await tokenDealer.createServiceClient({ scopes: ['runs:import'], audiences: ['runnerly-data'] });
  const importToken = await importer.token('runs:import', 'runnerly-data');
  const now = Date.now();
  for (let batch = 0; batch < RUNS / 500; batch += 1) {
    const runs = Array.from({ length: 500 }, (_, i) => {
      const n = batch * 500 + i;
      const start = new Date(now - (n + 1) * 3.5 * 3_600_000).toISOString().slice(0, 19) + 'Z';
      const distance = 5000 + (n % 17) * 700;
      return { source: 'strava', strava_id: String(1_000_000 + n), name: `Run ${n}`, description: null, sport_type: 'Run', start_date: start, start_date_local: start.slice(0, 19), timezone: 'UTC', distance, moving_time: Math.round(distance / 3), elapsed_time: Math.round(distance / 3) + 60, total_elevation_gain: 20, average_speed: 3, max_speed: 4.5, average_heartrate: 150, max_heartrate: 175, summary_polyline: '_p~iF~ps|U_ulLnnqC_mqNvxq`@' };
    });
    const response = await fetch(`${data.url}/internal/users/${userId}/runs`, { method: 'PUT', headers: { authorization: `Bearer ${importToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ runs }) });
    if (!response.ok) throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
  }

  const browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(url);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill('bench@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.run-card').first().waitFor({ timeout: 30_000 });

  const loads: number[] = [];
  for (let i = 0; i < PAGE_LOADS + 2; i += 1) {
    const started = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    await Promise.all([page.locator('.run-card').nth(4).waitFor(), page.getByRole('img', { name: 'Distance per week over the last 6 months' }).waitFor(), page.locator('.total .big').nth(1).waitFor()]);
    if (i >= 2) loads.push(performance.now() - started);
  }
  const cookie = (await browser.context.cookies(url)).filter((c) => c.name === 'runnerly_session').map((c) => `${c.name}=${c.value}`).join('; ');
  await browser.close();

  // The same request through the BFF (session cookie) and straight to the data service (the runner's kind of token).
  const direct = tokenDealer.userToken({ sub: userId, scopes: ['runs:read', 'profile'], audience: API });
  const path = '/api/data/users/me/runs?limit=5';
  const viaBff: number[] = [];
  const viaDirect: number[] = [];
  for (let i = 0; i < PROXY_REQUESTS + 40; i += 1) {
    for (const [target, headers, sink] of [
      [`${url}/bff${path}`, { cookie }, viaBff],
      [`${data.url}${path}`, { authorization: `Bearer ${direct}` }, viaDirect],
    ] as const) {
      const started = performance.now();
      const response = await fetch(target, { headers });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${target}: ${response.status}`);
      if (i >= 40) sink.push(performance.now() - started);
    }
  }

  await dashboard.close();
  await data.close();
  await tokenDealer.stop();
  rmSync(dir, { recursive: true, force: true });

  const results = {
    loadMedianMs: median(loads),
    loadP95Ms: percentile(loads, 95),
    bffMedianMs: median(viaBff),
    directMedianMs: median(viaDirect),
    bffP95Ms: percentile(viaBff, 95),
    directP95Ms: percentile(viaDirect, 95),
  };
  const added = results.bffMedianMs - results.directMedianMs;
  const f = (value: number) => value.toFixed(2);
  console.log(JSON.stringify({ ...results, addedMedianMs: added }, null, 2));
  const section = [
    SECTION_START,
    '## Dashboard (written by `node bench/dist/dashboard-bench.js`, not yet part of `npm run bench`)',
    '',
    `A runner with ${RUNS.toLocaleString('en-US')} runs; TokenDealer, the data service (SQLite) and the dashboard in one process, Chromium headless. Run on ${new Date().toISOString().slice(0, 10)} on the shared 2-core machine.`,
    '',
    '| measure | median | p95 |',
    '| --- | --- | --- |',
    `| home page, navigation to totals + weekly chart + last 5 runs shown (${PAGE_LOADS} loads after 2 warm-ups) | ${f(results.loadMedianMs)} ms | ${f(results.loadP95Ms)} ms |`,
    `| \`GET ${path}\` through the BFF (session cookie) | ${f(results.bffMedianMs)} ms | ${f(results.bffP95Ms)} ms |`,
    `| the same straight to the data service (bearer token) | ${f(results.directMedianMs)} ms | ${f(results.directP95Ms)} ms |`,
    '',
    `**BFF proxy overhead: ${f(added)} ms added at the median** (target: under 2 ms): **${added < 2 ? 'PASS' : 'FAIL'}**. ${PROXY_REQUESTS} requests each way, alternating, after 40 warm-ups.`,
    SECTION_END,
  ].join('\n');
  const markdown = readFileSync(DOCS, 'utf8');
  const start = markdown.indexOf(SECTION_START);
  const end = markdown.indexOf(SECTION_END);
  writeFileSync(DOCS, start >= 0 && end > start ? `${markdown.slice(0, start)}${section}${markdown.slice(end + SECTION_END.length)}` : `${markdown.replace(/\n*$/, '')}\n\n${section}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
