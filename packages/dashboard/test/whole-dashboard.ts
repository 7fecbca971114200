// The dashboard with every service its pages read (data service, plans, reports, Strava service),
// real and in-process on loopback, against a real TokenDealer; a runner with two months of runs,
// a race, a plan and a monthly report, and a newcomer with nothing yet.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { resolveOptions } from '@runnerly/service-config';
import { freePort, startTestTokenDealer, type TestTokenDealer } from '@runnerly/test-support';
import { PLANS_OPTIONS, startPlans } from '@runnerly/plans';
import { resolveDataServiceConfig, startDataService } from '@runnerly/dataservice';
import { REPORTS_OPTIONS, startReports } from '@runnerly/reports';
import { completeConfig, STRAVA_OPTIONS, startStravaService } from '@runnerly/strava';
import { DASHBOARD_OPTIONS, startDashboard } from '../src/index.js';
import { API_AUDIENCE, PASSWORD } from './helpers.js';

const SCOPES = ['openid', 'profile', 'email', 'runs:read', 'runs:write', 'races:read', 'races:write', 'plans:read', 'plans:write', 'reports:read', 'strava'];
const silent = pino({ level: 'silent' });
// A loop of about 5 km (Google's polyline format), so every run card draws a route.
const POLYLINE = '_p~iF~ps|U_ulLnnqC_mqNvxq`@';

export interface WholeDashboard {
  url: string;
  runner: { email: string; month: { year: number; month: number } };
  newcomer: { email: string };
  stop(): Promise<void>;
}

async function call(url: string, token: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

async function seedRunner(tokenDealer: TestTokenDealer, dataUrl: string, planner: string, userId: string): Promise<{ month: { year: number; month: number } }> {
  const importer = await tokenDealer.createServiceClient({ scopes: ['runs:import'], audiences: ['runnerly-data'] });
  const importToken = await importer.token('runs:import', 'runnerly-data');
  const now = Date.now();
  // A run every two days over the last 70 days: the month before this one is full.
  const runs = Array.from({ length: 35 }, (_, n) => {
    const start = new Date(now - (n * 2 + 1) * 86_400_000).toISOString().slice(0, 19) + 'Z';
    const distance = 5000 + (n % 5) * 1500;
    return { source: 'strava', strava_id: String(7_000_000 + n), name: `Morning run ${n + 1}`, description: n === 0 ? 'Easy, along the river.' : null, sport_type: 'Run', start_date: start, start_date_local: start.slice(0, 19), timezone: 'UTC', distance, moving_time: Math.round(distance / 3), elapsed_time: Math.round(distance / 3) + 60, total_elevation_gain: 25, average_speed: 3, max_speed: 4.2, average_heartrate: 148, max_heartrate: 171, summary_polyline: POLYLINE };
  });
  await call(`${dataUrl}/internal/users/${userId}/runs`, importToken, 'PUT', { runs });
  const token = tokenDealer.userToken({ sub: userId, scopes: ['races:read', 'races:write', 'plans:write'], audience: API_AUDIENCE });
  const raceDate = new Date(now + 40 * 86_400_000).toISOString().slice(0, 10);
  const race = (await call(`${dataUrl}/api/data/races`, token, 'POST', { name: 'River 10K', date: raceDate, distance: 10_000, location: 'Riverside', url: 'https://example.com/river-10k' })) as { id: string };
  await call(`${dataUrl}/api/data/races/${race.id}/entry`, token, 'PUT');
  await call(`${planner}/api/plans/users/me/plan`, token, 'PUT', { race_id: race.id, template_id: '10k-beginner' });
  const lastMonth = new Date(now);
  lastMonth.setUTCDate(1);
  lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1);
  return { month: { year: lastMonth.getUTCFullYear(), month: lastMonth.getUTCMonth() + 1 } };
}

export async function startWholeDashboard(): Promise<WholeDashboard> {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-a11y-'));
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const each of stops.reverse()) await each();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const tokenDealer = await startTestTokenDealer();
    stops.push(() => tokenDealer.stop());
    const data = await startDataService(
      resolveDataServiceConfig({ DATASERVICE_PORT: '0', DATASERVICE_DB: `sqlite:${join(dir, 'data.sqlite')}`, TOKENDEALER_ISSUER: tokenDealer.issuer, PUBLIC_API_AUDIENCE: API_AUDIENCE, DATASERVICE_LOG_LEVEL: 'silent' }),
      silent,
    );
    stops.push(() => data.close());
    const plansOptions = { ...resolveOptions(PLANS_OPTIONS, {}), port: 0, db: `sqlite:${join(dir, 'plans.sqlite')}`, issuer: tokenDealer.issuer, publicApiAudience: API_AUDIENCE, dataServiceUrl: data.url, logLevel: 'silent' as const };
    const plans = await startPlans(plansOptions, silent);
    stops.push(() => plans.close());
    const reportsClient = await tokenDealer.createServiceClient({ scopes: ['runs:read:all', 'plans:read:all'], audiences: ['runnerly-data', 'runnerly-plans'] });
    const reports = await startReports(
      {
        ...resolveOptions(REPORTS_OPTIONS, {}),
        port: 0,
        db: `sqlite:${join(dir, 'reports.sqlite')}`,
        issuer: tokenDealer.issuer,
        publicApiAudience: API_AUDIENCE,
        dataServiceUrl: data.url,
        plansUrl: plans.url,
        clientId: reportsClient.clientId,
        clientSecret: reportsClient.clientSecret,
        outboxDir: join(dir, 'outbox'),
        tickMs: 3_600_000, // built once below, by hand
        logLevel: 'silent',
      },
      silent,
    );
    stops.push(() => reports.close());
    const stravaClient = await tokenDealer.createServiceClient({ scopes: ['runs:import'], audiences: ['runnerly-data'] });
    // Nothing listens at Strava's address: no page here calls Strava itself.
    const strava = await startStravaService(
      completeConfig(
        resolveOptions(STRAVA_OPTIONS, {
          STRAVA_PORT: '0',
          STRAVA_DB: `sqlite:${join(dir, 'strava.sqlite')}`,
          STRAVA_CLIENT_ID: '1',
          STRAVA_CLIENT_SECRET: 'not-used',
          STRAVA_OAUTH_URL: 'http://127.0.0.1:9/oauth',
          STRAVA_API_URL: 'http://127.0.0.1:9/api/v3',
          STRAVA_TOKEN_KEY: randomBytes(32).toString('base64'),
          STRAVA_TOKEN_KEY_FILE: join(dir, 'strava-token.key'),
          TOKENDEALER_ISSUER: tokenDealer.issuer,
          STRAVA_SERVICE_CLIENT_ID: stravaClient.clientId,
          STRAVA_SERVICE_CLIENT_SECRET: stravaClient.clientSecret,
          DATASERVICE_URL: data.url,
          PUBLIC_URL: new URL(API_AUDIENCE).origin,
          STRAVA_LOG_LEVEL: 'silent',
        }),
      ),
      { logger: silent, env: {} },
    );
    stops.push(() => strava.close());

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const client = await tokenDealer.createWebClient({ redirectUris: [`${url}/auth/callback`], scopes: SCOPES, audiences: [API_AUDIENCE], extra: { firstParty: true, postLogoutRedirectUris: [`${url}/`] } });
    const dashboard = await startDashboard(
      {
        ...resolveOptions(DASHBOARD_OPTIONS, {}),
        port,
        publicUrl: url,
        db: `sqlite:${join(dir, 'dashboard.sqlite')}`,
        issuer: tokenDealer.issuer,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        scopes: SCOPES.join(' '),
        sessionKey: randomBytes(32).toString('base64'),
        dataServiceUrl: data.url,
        plansUrl: plans.url,
        reportsUrl: reports.url,
        stravaUrl: strava.url,
        logLevel: 'silent',
      },
      silent,
    );
    stops.push(() => dashboard.close());

    const runnerEmail = 'runner@example.com';
    const runnerId = await tokenDealer.createUser(runnerEmail, PASSWORD);
    // The plan is made five weeks ago (by a plans service living then, on the same database), so
    // last month's report compares the month with it.
    const planner = await startPlans(plansOptions, silent, { now: () => new Date(Date.now() - 35 * 86_400_000) });
    const seeded = await seedRunner(tokenDealer, data.url, planner.url, runnerId).finally(() => planner.close());
    await reports.tick(); // builds last month's report for the runner
    const newcomerEmail = 'newcomer@example.com';
    await tokenDealer.createUser(newcomerEmail, PASSWORD);
    return { url, runner: { email: runnerEmail, ...seeded }, newcomer: { email: newcomerEmail }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
