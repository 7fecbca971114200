// A dashboard on loopback, signed in against a real TokenDealer, with the data service, the plans
// service and the reports service (real, guard-protected) as the API behind it.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { resolveOptions } from '@runnerly/service-config';
import { freePort, startTestTokenDealer, type TestTokenDealer } from '@runnerly/test-support';
import { PLANS_OPTIONS, startPlans, type RunningPlans } from '@runnerly/plans';
import { resolveDataServiceConfig, startDataService, type RunningDataService } from '@runnerly/dataservice';
import { REPORTS_OPTIONS, startReports, type RunningReports } from '@runnerly/reports';
import { DASHBOARD_OPTIONS, startDashboard, type DashboardConfig, type RunningDashboard } from '../src/index.js';

export const API_AUDIENCE = 'http://127.0.0.1:8080/api';
export const PASSWORD = 'correct horse battery staple';
export const SCOPES = ['openid', 'profile', 'email', 'runs:read', 'races:read', 'plans:read', 'plans:write', 'reports:read'];

export interface DashboardFixture {
  tokenDealer: TestTokenDealer;
  plans: RunningPlans;
  data: RunningDataService;
  reports: RunningReports;
  /** The reports service's database, where tests put reports as its monthly build would. */
  reportsDb: string;
  dashboard: RunningDashboard;
  config: DashboardConfig;
  client: { clientId: string; clientSecret: string };
  url: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startDashboardFixture(): Promise<DashboardFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-test-'));
  const tokenDealer = await startTestTokenDealer();
  const plans = await startPlans(
    { ...resolveOptions(PLANS_OPTIONS, {}), port: 0, db: `sqlite:${join(dir, 'plans.sqlite')}`, issuer: tokenDealer.issuer, publicApiAudience: API_AUDIENCE, logLevel: 'silent' },
    pino({ level: 'silent' }),
  );
  const data = await startDataService(
    resolveDataServiceConfig({ DATASERVICE_PORT: '0', DATASERVICE_DB: `sqlite:${join(dir, 'dataservice.sqlite')}`, TOKENDEALER_ISSUER: tokenDealer.issuer, PUBLIC_API_AUDIENCE: API_AUDIENCE, DATASERVICE_LOG_LEVEL: 'silent' }),
    pino({ level: 'silent' }),
  );
  const reportsDb = `sqlite:${join(dir, 'reports.sqlite')}`;
  // Its monthly build never runs here (an hour's tick): the tests store the reports themselves.
  const reports = await startReports(
    {
      ...resolveOptions(REPORTS_OPTIONS, {}),
      port: 0,
      db: reportsDb,
      issuer: tokenDealer.issuer,
      publicApiAudience: API_AUDIENCE,
      dataServiceUrl: data.url,
      plansUrl: plans.url,
      clientId: 'reports-build-not-run-in-these-tests',
      clientSecret: 'unused',
      outboxDir: join(dir, 'outbox'),
      tickMs: 3_600_000,
      logLevel: 'silent',
    },
    pino({ level: 'silent' }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Registered as npm start registers it: first party, sign-out coming back to the public URL.
  const client = await tokenDealer.createWebClient({
    redirectUris: [`${url}/auth/callback`],
    scopes: SCOPES,
    audiences: [API_AUDIENCE],
    extra: { firstParty: true, postLogoutRedirectUris: [`${url}/`] },
  });
  const config: DashboardConfig = {
    ...resolveOptions(DASHBOARD_OPTIONS, {}),
    port,
    publicUrl: url,
    db: `sqlite:${join(dir, 'dashboard.sqlite')}`,
    issuer: tokenDealer.issuer,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    scopes: SCOPES.join(' '),
    sessionKey: randomBytes(32).toString('base64'),
    plansUrl: plans.url,
    reportsUrl: reports.url,
    dataServiceUrl: data.url,
    logLevel: 'silent',
  };
  const dashboard = await startDashboard(config, pino({ level: 'silent' }));
  return {
    tokenDealer,
    plans,
    data,
    reports,
    reportsDb,
    dashboard,
    config,
    client,
    url,
    dir,
    async stop() {
      await dashboard.close();
      await reports.close();
      await data.close();
      await plans.close();
      await tokenDealer.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
