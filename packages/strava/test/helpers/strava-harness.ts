// Everything a Strava service test runs against, all real and on loopback: TokenDealer
// (in-process), the Strava sandbox over HTTP, the data service stand-in, and the Strava service
// itself on a fresh database, with one test clock shared by the service, its queue and the sandbox.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createStravaSandbox, type RateLimits, type SeedOptions, type StravaSandbox } from '@runnerly/strava-sandbox';
import { startTestTokenDealer, type ServiceClient, type TestBackend, type TestDatabase, type TestTokenDealer } from '@runnerly/test-support';
import { resolveOptions } from '@runnerly/service-config';
import { completeConfig, STRAVA_OPTIONS, startStravaService, type RunningStravaService, type StravaServiceConfig } from '../../src/index.js';
import { resolveDataServiceConfig, startDataService, type RunningDataService } from '@runnerly/dataservice';
import { startRecordingDataService, type RecordingDataService } from './recording-data-service.js';
import { testClock, type TestClock } from './test-clock.js';
import { freePort } from './free-port.js';

export const STRAVA_CLIENT_ID = '4242';
export const STRAVA_CLIENT_SECRET = 'strava-app-secret-for-tests';
export const VERIFY_TOKEN = 'webhook-verify-token-for-tests';
export const PUBLIC_URL = 'http://127.0.0.1:8080';

export interface HarnessOptions {
  backend: TestBackend;
  seed?: SeedOptions;
  rateLimits?: RateLimits | false;
  /** Subscribe to the sandbox's webhook at start. */
  webhook?: boolean;
  /** PUBLIC_URL is the service itself (no gateway), so a browser can follow Strava's redirect to the callback. */
  servicePublicUrl?: boolean;
  env?: Record<string, string>;
  tokenTtlSeconds?: number;
  /** The real data service (@runnerly/dataservice) instead of the recording stand-in. */
  realDataService?: boolean;
  /** The wall clock instead of a test clock (for a service in a child process). */
  realClock?: boolean;
  /** An OTLP/HTTP receiver's base URL: the service exports its traces there. */
  otlpEndpoint?: string;
}

export interface Harness {
  clock: TestClock;
  tokenDealer: TestTokenDealer;
  sandbox: StravaSandbox;
  data: RecordingDataService;
  /** Set with realDataService. */
  realData: RunningDataService | undefined;
  database: TestDatabase;
  service: RunningStravaService;
  config: StravaServiceConfig;
  /** Environment the service was started with (for a child process). */
  env: Record<string, string>;
  url: string;
  userToken(sub: string, scopes?: string[]): string;
  /** POST link, the athlete approves at the sandbox (no browser), then Strava's redirect to the callback. */
  link(sub: string, athleteId: number, options?: { scopes?: string[]; baseUrl?: string }): Promise<{ location: URL }>;
  status(sub: string, baseUrl?: string): Promise<Record<string, unknown>>;
  restartService(): Promise<void>;
  stopService(): Promise<void>;
  startService(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const clock: TestClock = options.realClock ? { now: Date.now, set: () => assert.fail('real clock'), advance: () => assert.fail('real clock') } : testClock();
  const tokenDealer = await startTestTokenDealer();
  const sandbox = await createStravaSandbox({
    clients: [{ clientId: STRAVA_CLIENT_ID, clientSecret: STRAVA_CLIENT_SECRET }],
    rateLimits: options.rateLimits ?? false,
    seed: options.seed ?? { athletes: 3, months: 4 },
    clock: clock.now,
    ...(options.tokenTtlSeconds ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
    retryDelay: 50,
  });
  await sandbox.listen({ host: '127.0.0.1', port: 0 });
  const data = await startRecordingDataService(tokenDealer.issuer);
  const serviceClient: ServiceClient = await tokenDealer.createServiceClient({ name: 'strava service', scopes: ['runs:import'], audiences: ['runnerly-data'] });
  const database = await options.backend.create();
  const dir = mkdtempSync(join(tmpdir(), 'runnerly-strava-'));
  const realData = options.realDataService
    ? await startDataService(
        resolveDataServiceConfig({ DATASERVICE_PORT: '0', DATASERVICE_DB: `sqlite:${join(dir, 'dataservice.sqlite')}`, TOKENDEALER_ISSUER: tokenDealer.issuer, PUBLIC_API_AUDIENCE: `${PUBLIC_URL}/api` }),
        pino({ level: 'silent' }),
      )
    : undefined;
  const port = options.webhook || options.servicePublicUrl ? await freePort() : 0;
  const env: Record<string, string> = {
    STRAVA_PORT: String(port),
    STRAVA_DB: database.url,
    STRAVA_CLIENT_ID: STRAVA_CLIENT_ID,
    STRAVA_CLIENT_SECRET: STRAVA_CLIENT_SECRET,
    STRAVA_OAUTH_URL: `${sandbox.url}/oauth`,
    STRAVA_API_URL: `${sandbox.url}/api/v3`,
    STRAVA_TOKEN_KEY: randomBytes(32).toString('base64'),
    STRAVA_TOKEN_KEY_FILE: join(dir, 'strava-token.key'),
    TOKENDEALER_ISSUER: tokenDealer.issuer,
    STRAVA_SERVICE_CLIENT_ID: serviceClient.clientId,
    STRAVA_SERVICE_CLIENT_SECRET: serviceClient.clientSecret,
    DATASERVICE_URL: realData?.url ?? data.url,
    PUBLIC_URL: options.servicePublicUrl ? `http://127.0.0.1:${port}` : PUBLIC_URL,
    STRAVA_RATE_LIMIT_MARGIN: '2',
    STRAVA_LOG_LEVEL: 'silent',
    ...(options.webhook ? { STRAVA_WEBHOOK_CALLBACK_URL: `http://127.0.0.1:${port}/strava/webhook`, STRAVA_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN } : {}),
    ...options.env,
  };
  const config = completeConfig(resolveOptions(STRAVA_OPTIONS, env));
  const serviceEnv = options.otlpEndpoint === undefined ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '50' };
  const start = () => startStravaService(config, { logger: pino({ level: 'silent' }), clock: clock.now, queue: { pollMs: 20, leaseMs: 2000 }, env: serviceEnv });
  let service: RunningStravaService | undefined = await start();

  const harness: Harness = {
    clock,
    tokenDealer,
    sandbox,
    data,
    realData,
    database,
    config,
    env,
    get service() {
      if (!service) throw new Error('the service is stopped');
      return service;
    },
    get url() {
      return harness.service.url;
    },
    userToken: (sub, scopes = ['strava']) => tokenDealer.userToken({ sub, scopes, audience: config.publicApiAudience }),
    async link(sub, athleteId, { scopes = ['read', 'activity:read_all'], baseUrl = harness.url } = {}) {
      const started = await fetch(`${baseUrl}/api/strava/users/me/link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${harness.userToken(sub)}`, 'content-type': 'application/json' },
        body: JSON.stringify({}),
      });
      if (started.status !== 200) throw new Error(`link answered ${started.status}: ${await started.text()}`);
      const authorize = new URL(((await started.json()) as { authorize_url: string }).authorize_url);
      const state = authorize.searchParams.get('state')!;
      const { code, scope } = sandbox.admin.authorize({ clientId: STRAVA_CLIENT_ID, athleteId, scopes, redirectUri: authorize.searchParams.get('redirect_uri')! });
      const callback = await fetch(`${baseUrl}/strava/callback?${new URLSearchParams({ state, code, scope })}`, { redirect: 'manual' });
      if (callback.status !== 302) throw new Error(`callback answered ${callback.status}: ${await callback.text()}`);
      return { location: new URL(callback.headers.get('location')!) };
    },
    async status(sub, baseUrl = harness.url) {
      const response = await fetch(`${baseUrl}/api/strava/users/me`, { headers: { authorization: `Bearer ${harness.userToken(sub)}` } });
      if (response.status !== 200) throw new Error(`status answered ${response.status}`);
      return (await response.json()) as Record<string, unknown>;
    },
    async stopService() {
      await service?.close();
      service = undefined;
    },
    async startService() {
      service = await start();
    },
    async restartService() {
      await harness.stopService();
      await harness.startService();
    },
    async close() {
      await service?.close();
      await sandbox.close();
      await data.close();
      await realData?.close();
      await tokenDealer.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export const newRunner = (): string => randomUUID();
