// The whole system on one machine: which processes run, with which environment, and the order of
// the start (TokenDealer first, since every service fetches its keys; the gateway last).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrlFor } from './database-urls.js';
import { linkDemoRunner } from './demo-link.js';
import { gatewayConfig, type GatewayRoute } from './gateway-config.js';
import { ensureClients, ensureDemoRunner, type ClientSpec } from './provision.js';
import { SecretsFile } from './secrets-file.js';
import type { ProcessSpec } from './supervisor.js';
import type { SystemConfig } from './system-config.js';
import { TokenDealerCli } from './tokendealer-cli.js';

const PACKAGES_DIR = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServiceProcess extends ProcessSpec {
  /** Answers 2xx once the process serves. */
  readyUrl: string;
}

export interface PlannedSystem {
  processes: ServiceProcess[];
  gatewayUrl: string;
  demo: { email: string; password: string } | undefined;
  /** Run once every process is ready (links the demo runner to a sandbox athlete). */
  afterStart: (() => Promise<string | undefined>) | undefined;
}

/** The sandbox's default application (its own defaults when started without settings). */
const SANDBOX_CLIENT_ID = '1000';
const SANDBOX_CLIENT_SECRET = 'sandbox-secret';

const binOf = (pkg: string, bin: string): string => join(PACKAGES_DIR, pkg, 'bin', bin);
const hasPackage = (pkg: string): boolean => existsSync(join(PACKAGES_DIR, pkg, 'package.json'));

export async function planSystem(config: SystemConfig, log: (line: string) => void): Promise<PlannedSystem> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets = new SecretsFile(dataDir);
  const host = config.host;
  const origin = (port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const issuer = origin(config.tokenDealerPort);
  const publicUrl = config.publicUrl ?? origin(config.gatewayPort);
  const publicApi = `${publicUrl}/api`;
  const common = { LOG_LEVEL: 'info', TOKENDEALER_ISSUER: issuer, PUBLIC_URL: publicUrl, PUBLIC_API_AUDIENCE: publicApi, ...(config.redisUrl ? { REDIS_URL: config.redisUrl } : {}) };

  const tokenDealerEnv = {
    TOKENDEALER_HOST: host,
    TOKENDEALER_PORT: String(config.tokenDealerPort),
    TOKENDEALER_DB: await databaseUrlFor('tokendealer', dataDir, config.databaseUrl, config.namePrefix),
    TOKENDEALER_MASTER_SECRET: secrets.secrets.masterSecret,
    TOKENDEALER_OUTBOX_DIR: join(dataDir, 'outbox'),
  };
  const cli = new TokenDealerCli(binOf('tokendealer', 'tokendealer.js'), tokenDealerEnv);

  const clients: ClientSpec[] = [];
  const dashboardScopes = 'openid profile email runs:read runs:write races:read races:write plans:read plans:write reports:read strava';
  // Reports read every runner's runs and plan: one client, a token per audience (RFC 8707).
  if (hasPackage('reports')) clients.push({ key: 'reports-service', args: ['--grant-types', 'client_credentials', '--scope', 'runs:read:all plans:read:all', '--audience', 'runnerly-data', '--audience', 'runnerly-plans'] });
  if (hasPackage('dashboard')) clients.push({ key: 'dashboard-service', args: ['--grant-types', 'client_credentials', '--scope', 'users:email', '--audience', 'runnerly-data'] });
  if (hasPackage('dashboard')) {
    clients.push({
      key: 'dashboard',
      // First party: no consent page; its sign-out comes back to the public URL through TokenDealer's end-session endpoint.
      args: [
        '--grant-types', 'authorization_code,refresh_token', '--scope', dashboardScopes, '--audience', publicApi, '--redirect-uri', `${publicUrl}/auth/callback`,
        '--post-logout-redirect-uri', `${publicUrl}/`, '--first-party',
      ],
    });
  }
  if (hasPackage('strava')) clients.push({ key: 'launcher', args: ['--grant-types', 'client_credentials', '--scope', 'strava:link', '--audience', 'runnerly-strava'] });
  if (hasPackage('strava')) clients.push({ key: 'strava-service', args: ['--grant-types', 'client_credentials', '--scope', 'runs:import', '--audience', 'runnerly-data'] });
  log('provisioning OAuth clients in TokenDealer (those missing or lacking a grant)');
  await ensureClients(cli, secrets, clients);
  const demo = config.demo ? await ensureDemoRunner(cli, secrets) : undefined;

  const processes: ServiceProcess[] = [
    {
      name: 'tokendealer',
      command: process.execPath,
      args: [binOf('tokendealer', 'tokendealer.js'), 'serve'],
      env: { ...tokenDealerEnv, TOKENDEALER_LOG_LEVEL: 'info' },
      readyUrl: `${issuer}/readyz`,
    },
  ];
  const routes: GatewayRoute[] = [];

  if (hasPackage('dataservice')) {
    const port = config.dataServicePort;
    processes.push({
      name: 'dataservice',
      command: process.execPath,
      args: [binOf('dataservice', 'runnerly-dataservice.js')],
      env: { ...common, DATASERVICE_HOST: host, DATASERVICE_PORT: String(port), DATASERVICE_DB: await databaseUrlFor('dataservice', dataDir, config.databaseUrl, config.namePrefix) },
      readyUrl: `${origin(port)}/readyz`,
    });
    routes.push({ prefix: '/api/data/', upstream: origin(port), audience: publicApi, maxBodyBytes: 64 * 1024 * 1024 });
  }

  const useSandbox = config.stravaClientId === '' && hasPackage('strava-sandbox');
  if (useSandbox) {
    const port = config.sandboxPort;
    processes.push({
      name: 'strava-sandbox',
      command: process.execPath,
      args: [binOf('strava-sandbox', 'runnerly-strava-sandbox.js')],
      env: { STRAVA_SANDBOX_HOST: host, STRAVA_SANDBOX_PORT: String(port) },
      readyUrl: `${origin(port)}/healthz`,
    });
  }

  if (hasPackage('strava')) {
    const port = config.stravaPort;
    const client = secrets.secrets.clients['strava-service'];
    const sandbox = origin(config.sandboxPort);
    processes.push({
      name: 'strava',
      command: process.execPath,
      args: [binOf('strava', 'runnerly-strava.js')],
      env: {
        ...common,
        STRAVA_HOST: host,
        STRAVA_PORT: String(port),
        STRAVA_DB: await databaseUrlFor('strava', dataDir, config.databaseUrl, config.namePrefix),
        STRAVA_TOKEN_KEY: secrets.secrets.stravaTokenKey,
        STRAVA_QUEUE_PREFIX: `${config.namePrefix}_strava`,
        STRAVA_SERVICE_CLIENT_ID: client?.client_id ?? '',
        STRAVA_SERVICE_CLIENT_SECRET: client?.client_secret ?? '',
        DATASERVICE_URL: origin(config.dataServicePort),
        ...(useSandbox ? { STRAVA_CLIENT_ID: SANDBOX_CLIENT_ID, STRAVA_CLIENT_SECRET: SANDBOX_CLIENT_SECRET, STRAVA_OAUTH_URL: `${sandbox}/oauth`, STRAVA_API_URL: `${sandbox}/api/v3` } : {}),
      },
      readyUrl: `${origin(port)}/readyz`,
    });
    routes.push({ prefix: '/api/strava/', upstream: origin(port), audience: publicApi }, { prefix: '/strava/', upstream: origin(port) });
  }

  if (hasPackage('plans')) {
    const port = config.plansPort;
    processes.push({
      name: 'plans',
      command: process.execPath,
      args: [binOf('plans', 'runnerly-plans.js')],
      env: { ...common, PLANS_HOST: host, PLANS_PORT: String(port), PLANS_DB: await databaseUrlFor('plans', dataDir, config.databaseUrl, config.namePrefix), DATASERVICE_URL: origin(config.dataServicePort) },
      readyUrl: `${origin(port)}/readyz`,
    });
    routes.push({ prefix: '/api/plans/', upstream: origin(port), audience: publicApi });
  }

  if (hasPackage('reports')) {
    const port = config.reportsPort;
    const client = secrets.secrets.clients['reports-service'];
    processes.push({
      name: 'reports',
      command: process.execPath,
      args: [binOf('reports', 'runnerly-reports.js')],
      env: {
        ...common,
        REPORTS_HOST: host,
        REPORTS_PORT: String(port),
        REPORTS_DB: await databaseUrlFor('reports', dataDir, config.databaseUrl, config.namePrefix),
        REPORTS_SERVICE_CLIENT_ID: client?.client_id ?? '',
        REPORTS_SERVICE_CLIENT_SECRET: client?.client_secret ?? '',
        REPORTS_OUTBOX_DIR: join(dataDir, 'outbox'),
        REPORTS_TICK_MS: '5000',
        DATASERVICE_URL: origin(config.dataServicePort),
        PLANS_URL: origin(config.plansPort),
      },
      readyUrl: `${origin(port)}/readyz`,
    });
    routes.push({ prefix: '/api/reports/', upstream: origin(port), audience: publicApi });
  }

  if (hasPackage('dashboard')) {
    const port = config.dashboardPort;
    const client = secrets.secrets.clients.dashboard;
    processes.push({
      name: 'dashboard',
      command: process.execPath,
      args: [binOf('dashboard', 'runnerly-dashboard.js')],
      env: {
        ...common,
        DASHBOARD_HOST: host,
        DASHBOARD_PORT: String(port),
        DASHBOARD_DB: await databaseUrlFor('dashboard', dataDir, config.databaseUrl, config.namePrefix),
        DASHBOARD_CLIENT_ID: client?.client_id ?? '',
        DASHBOARD_CLIENT_SECRET: client?.client_secret ?? '',
        DASHBOARD_SCOPES: dashboardScopes,
        DASHBOARD_SERVICE_CLIENT_ID: secrets.secrets.clients['dashboard-service']?.client_id ?? '',
        DASHBOARD_SERVICE_CLIENT_SECRET: secrets.secrets.clients['dashboard-service']?.client_secret ?? '',
        DASHBOARD_SESSION_KEY: secrets.generated('dashboardSessionKey'),
        DATASERVICE_URL: origin(config.dataServicePort),
        PLANS_URL: origin(config.plansPort),
        REPORTS_URL: origin(config.reportsPort),
        STRAVA_URL: origin(config.stravaPort),
      },
      readyUrl: `${origin(port)}/readyz`,
    });
    routes.push({ prefix: '/', upstream: origin(port), maxBodyBytes: 64 * 1024 * 1024 });
  }

  if (routes.length === 0) routes.push({ prefix: '/', upstream: issuer });
  const gatewayFile = join(dataDir, 'gateway.json');
  writeFileSync(gatewayFile, `${JSON.stringify(gatewayConfig({ host, port: config.gatewayPort, issuer, redisUrl: config.redisUrl, redisKeyPrefix: `${config.namePrefix}:gateway:`, routes }), null, 2)}\n`);
  processes.push({
    name: 'gateway',
    command: process.execPath,
    args: [binOf('gateway', 'runnerly-gateway.js'), '--config', gatewayFile],
    env: {},
    readyUrl: `${origin(config.gatewayPort)}/_gateway/healthz`,
  });
  const launcherClient = secrets.secrets.clients.launcher;
  const afterStart =
    demo && useSandbox && hasPackage('strava') && launcherClient
      ? () =>
          linkDemoRunner({
            sandboxUrl: origin(config.sandboxPort),
            stravaUrl: origin(config.stravaPort),
            tokenEndpoint: `${issuer}/oauth/token`,
            stravaClientId: SANDBOX_CLIENT_ID,
            launcherClient,
            runnerId: demo.userId,
            publicUrl,
          })
      : undefined;
  return { processes, gatewayUrl: publicUrl, demo, afterStart };
}
