// A data service against a real TokenDealer and a real database (each of TEST_BACKENDS), on a free
// loopback port, with a settable clock and helpers that hold tokens for runners and services.
import { pino } from 'pino';
import { startTestTokenDealer, type TestBackend, type TestDatabase, type TestTokenDealer } from '@runnerly/test-support';
import { resolveDataServiceConfig, startDataService, type RunningDataService, type UploadParser } from '../../src/index.js';

export const PUBLIC_AUDIENCE = 'http://127.0.0.1:8080/api';
export const DATA_AUDIENCE = 'runnerly-data';
export const ALL_USER_SCOPES = ['profile', 'runs:read', 'runs:write', 'races:read', 'races:write'];

export interface Harness {
  url: string;
  databaseUrl: string;
  tokenDealer: TestTokenDealer;
  service: RunningDataService;
  /** Milliseconds since the epoch, as the service sees it. */
  now: number;
  userToken(sub: string, scopes?: string[], audience?: string): string;
  serviceToken(scopes: string[], audience?: string): Promise<string>;
  /** fetch against the service with JSON in and out. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the answers they expect field by field
  call(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  stop(): Promise<void>;
}

export async function sharedTokenDealer(): Promise<TestTokenDealer> {
  return startTestTokenDealer();
}

export async function startHarness(backend: TestBackend, tokenDealer: TestTokenDealer, options: { parseUpload?: UploadParser; env?: Record<string, string> } = {}): Promise<Harness> {
  const database: TestDatabase = await backend.create();
  const config = { ...resolveDataServiceConfig({ ...options.env, DATASERVICE_DB: database.url, TOKENDEALER_ISSUER: tokenDealer.issuer }), port: 0, logLevel: 'silent' as const };
  const harness = {
    now: Date.parse('2026-03-15T12:00:00Z'),
  } as Harness;
  const service = await startDataService(config, pino({ level: 'silent' }), {
    clock: () => harness.now,
    ...(options.parseUpload ? { parseUpload: options.parseUpload } : {}),
  });
  const client = await tokenDealer.createServiceClient({ scopes: ['runs:import', 'runs:read:all', 'users:email', 'profile', 'runs:read', 'runs:write'], audiences: [DATA_AUDIENCE, PUBLIC_AUDIENCE] });
  Object.assign(harness, {
    url: service.url,
    databaseUrl: database.url,
    tokenDealer,
    service,
    userToken: (sub: string, scopes = ALL_USER_SCOPES, audience = PUBLIC_AUDIENCE) => tokenDealer.userToken({ sub, scopes, audience }),
    serviceToken: (scopes: string[], audience = DATA_AUDIENCE) => client.token(scopes.join(' '), audience),
    async call(method: string, path: string, token: string | undefined, body?: unknown) {
      const response = await fetch(`${service.url}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed, headers: response.headers, text };
    },
    async stop() {
      await service.close();
      await database.drop();
    },
  });
  return harness;
}

/** A run as the Strava service would send it. */
export function stravaRun(stravaId: string, startDate: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: 'strava',
    strava_id: stravaId,
    name: `Run ${stravaId}`,
    description: null,
    sport_type: 'Run',
    start_date: startDate,
    start_date_local: null,
    timezone: 'Europe/Paris',
    distance: 10_000,
    moving_time: 3000,
    elapsed_time: 3100,
    total_elevation_gain: 50,
    average_speed: 3.333,
    max_speed: 4.5,
    average_heartrate: 150,
    max_heartrate: 175,
    summary_polyline: 'abc',
    ...overrides,
  };
}
