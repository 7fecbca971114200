// A dashboard on loopback, signed in against a real TokenDealer, with the plans service (real,
// guard-protected) as an API behind it.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { resolveOptions } from '@runnerly/service-config';
import { freePort, startTestTokenDealer, type TestTokenDealer } from '@runnerly/test-support';
import { PLANS_OPTIONS, startPlans, type RunningPlans } from '@runnerly/plans';
import { DASHBOARD_OPTIONS, startDashboard, type DashboardConfig, type RunningDashboard } from '../src/index.js';

export const API_AUDIENCE = 'http://127.0.0.1:8080/api';
export const PASSWORD = 'correct horse battery staple';
export const SCOPES = ['openid', 'profile', 'email', 'runs:read', 'races:read', 'plans:read', 'plans:write'];

export interface DashboardFixture {
  tokenDealer: TestTokenDealer;
  plans: RunningPlans;
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
    // Nothing listens here: calls to the data service fail as when it is down.
    dataServiceUrl: 'http://127.0.0.1:9',
    logLevel: 'silent',
  };
  const dashboard = await startDashboard(config, pino({ level: 'silent' }));
  return {
    tokenDealer,
    plans,
    dashboard,
    config,
    client,
    url,
    dir,
    async stop() {
      await dashboard.close();
      await plans.close();
      await tokenDealer.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
