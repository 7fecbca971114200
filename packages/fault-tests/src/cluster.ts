// Runnerly's stateful core as a multi-instance deployment on loopback, every part a real process:
// two TokenDealers and two data services on one PostgreSQL, two public gateways that each know both
// instances of each as upstreams, and an internal gateway in front of the two TokenDealers that
// serves as the issuer's one stable address (a load balancer in a real deployment), so that killing
// either public gateway leaves the issuer reachable.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@runnerly/test-support';
import { onExit } from './cleanup-on-exit.js';
import type { WebApp } from './oauth-flow.js';
import type { PrivatePostgres } from './private-postgres.js';
import { binOf, ServiceProcess } from './service-process.js';
import { tokenDealerCli } from './tokendealer-cli.js';

export interface ClusterOptions {
  postgres: PrivatePostgres;
  /** Gateways share their limits through this Redis (onError "local"); memory limits otherwise. */
  redisUrl?: string;
  /** Routes added to each public gateway's configuration (before the catch-all route to TokenDealer). */
  extraRoutes?: (upstreams: { dataServices: string[]; tokenDealers: string[] }) => Record<string, unknown>[];
  /** Passive health cooldown of every route (ms). */
  cooldownMs?: number;
}

export interface Cluster {
  readonly issuer: string;
  readonly publicApi: string;
  readonly tokenDealers: ServiceProcess[];
  readonly dataServices: ServiceProcess[];
  readonly gateways: ServiceProcess[];
  /** Public gateway origins, in the order of `gateways`. */
  readonly gatewayUrls: string[];
  readonly issuerGateway: ServiceProcess;
  readonly webApp: WebApp;
  readonly serviceClient: { clientId: string; clientSecret: string };
  readonly runner: { email: string; password: string; id: string };
  /** Environment of TokenDealer's command line for this installation. */
  readonly tokenDealerEnv: Record<string, string>;
  stop(): Promise<void>;
}

const origin = (port: number): string => `http://127.0.0.1:${port}`;

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'runnerly-fault-cluster-'));
  const forgetDir = onExit(() => rmSync(dir, { recursive: true, force: true }));
  const cooldownMs = options.cooldownMs ?? 3000;
  const [td1, td2, ds1, ds2, idp, gw1, gw2, admin1, admin2] = await Promise.all(Array.from({ length: 9 }, () => freePort())) as number[] as [number, number, number, number, number, number, number, number, number];
  const issuer = origin(idp);
  const publicUrl = origin(gw1);
  const publicApi = `${publicUrl}/api`;
  const tokenDealerOrigins = [origin(td1), origin(td2)];
  const dataServiceOrigins = [origin(ds1), origin(ds2)];

  const tokenDealerEnv = {
    TOKENDEALER_DB: await options.postgres.schemaUrl('tokendealer'),
    TOKENDEALER_MASTER_SECRET: randomBytes(32).toString('base64url'),
    TOKENDEALER_ISSUER: issuer,
    TOKENDEALER_OUTBOX_DIR: join(dir, 'outbox'),
  };
  const webApp: WebApp = { clientId: '', clientSecret: '', redirectUri: `${publicUrl}/auth/callback`, scope: 'openid profile runs:read runs:write' };
  const created = await tokenDealerCli<{ client_id: string; client_secret: string }>(tokenDealerEnv, [
    'clients', 'create', '--name', 'fault web app', '--grant-types', 'authorization_code,refresh_token', '--scope', webApp.scope,
    '--audience', publicApi, '--redirect-uri', webApp.redirectUri, '--first-party',
  ]);
  webApp.clientId = created.client_id;
  webApp.clientSecret = created.client_secret;
  const service = await tokenDealerCli<{ client_id: string; client_secret: string }>(tokenDealerEnv, [
    'clients', 'create', '--name', 'fault service', '--grant-types', 'client_credentials', '--scope', 'runs:read:all', '--audience', 'runnerly-data',
  ]);
  const runner = { email: 'runner@fault.test', password: `pw-${randomBytes(9).toString('base64url')}`, id: '' };
  runner.id = (await tokenDealerCli<{ id: string }>(tokenDealerEnv, ['users', 'create', '--email', runner.email, '--password', runner.password, '--confirmed'])).id;

  const tokenDealers = [td1, td2].map(
    (port, index) =>
      new ServiceProcess(
        `tokendealer-${index + 1}`,
        [binOf('tokendealer', 'tokendealer.js'), 'serve'],
        { ...tokenDealerEnv, TOKENDEALER_HOST: '127.0.0.1', TOKENDEALER_PORT: String(port), TOKENDEALER_ADMIN_PORT: String(index === 0 ? admin1 : admin2), TOKENDEALER_LOG_LEVEL: 'warn' },
        `${origin(port)}/readyz`,
      ),
  );
  const dataServiceDb = await options.postgres.schemaUrl('dataservice');
  const dataServices = [ds1, ds2].map(
    (port, index) =>
      new ServiceProcess(
        `dataservice-${index + 1}`,
        [binOf('dataservice', 'runnerly-dataservice.js')],
        { DATASERVICE_HOST: '127.0.0.1', DATASERVICE_PORT: String(port), DATASERVICE_DB: dataServiceDb, TOKENDEALER_ISSUER: issuer, PUBLIC_API_AUDIENCE: publicApi, PUBLIC_URL: publicUrl, DATASERVICE_LOG_LEVEL: 'warn' },
        `${origin(port)}/readyz`,
      ),
  );
  const health = { passiveHealth: { maxFailures: 3, cooldownMs } };
  const store = options.redisUrl ? { type: 'redis', url: options.redisUrl, onError: 'local', keyPrefix: `fault-${randomBytes(4).toString('hex')}:` } : { type: 'memory' };
  const gatewayProcess = (name: string, port: number, routes: Record<string, unknown>[]): ServiceProcess => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ listen: { host: '127.0.0.1', port }, store, logLevel: 'warn', routes }));
    return new ServiceProcess(name, [binOf('gateway', 'runnerly-gateway.js'), '--config', file], {}, `${origin(port)}/_gateway/healthz`);
  };
  const toTokenDealers = { prefix: '/', upstream: tokenDealerOrigins, ...health };
  const issuerGateway = gatewayProcess('issuer-gateway', idp, [toTokenDealers]);
  const publicRoutes = [
    { prefix: '/api/data/', upstream: dataServiceOrigins, auth: { issuer, audience: publicApi, scopes: [], realm: 'runnerly' }, ...health },
    ...(options.extraRoutes?.({ dataServices: dataServiceOrigins, tokenDealers: tokenDealerOrigins }) ?? []),
    toTokenDealers,
  ];
  const gateways = [gatewayProcess('gateway-1', gw1, publicRoutes), gatewayProcess('gateway-2', gw2, publicRoutes)];

  const all = [...tokenDealers, issuerGateway, ...dataServices, ...gateways];
  const stop = async (): Promise<void> => {
    await Promise.all(all.map((part) => part.stop()));
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  };
  try {
    // One at a time where instances share a database: the first one migrates it.
    for (const part of tokenDealers) await part.start();
    await issuerGateway.start();
    for (const part of dataServices) await part.start();
    await Promise.all(gateways.map((part) => part.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    issuer,
    publicApi,
    tokenDealers,
    dataServices,
    gateways,
    gatewayUrls: [origin(gw1), origin(gw2)],
    issuerGateway,
    webApp,
    serviceClient: { clientId: service.client_id, clientSecret: service.client_secret },
    runner,
    tokenDealerEnv,
    stop,
  };
}
