// What `npm start` reads from the environment. Each service still reads its own variables; these
// are the ones that shape the whole system.
import { ConfigError, boolean, databaseUrl, defineOptions, httpUrl, integer, nonEmpty, optionalRedisUrl, text, type ConfigOf } from '@runnerly/service-config';

export const SYSTEM_OPTIONS = defineOptions({
  dataDir: { env: 'RUNNERLY_DATA_DIR', default: './data', parse: nonEmpty, description: 'folder of every service\'s state: SQLite files, secrets, mail outbox' },
  host: { env: 'RUNNERLY_HOST', default: '127.0.0.1', parse: nonEmpty, description: 'address every process listens on' },
  gatewayPort: { env: 'RUNNERLY_GATEWAY_PORT', default: 8080, parse: integer(1, 65535), description: 'port of the gateway, the entry for browsers and API clients' },
  tokenDealerPort: { env: 'TOKENDEALER_PORT', default: 5001, parse: integer(1, 65535), description: 'port of TokenDealer (its own origin: the issuer)' },
  dataServicePort: { env: 'DATASERVICE_PORT', default: 5002, parse: integer(1, 65535), description: 'port of the data service' },
  dashboardPort: { env: 'DASHBOARD_PORT', default: 5000, parse: integer(1, 65535), description: 'port of the dashboard' },
  plansPort: { env: 'PLANS_PORT', default: 5005, parse: integer(1, 65535), description: 'port of the plans service' },
  reportsPort: { env: 'REPORTS_PORT', default: 5004, parse: integer(1, 65535), description: 'port of the reports service' },
  stravaPort: { env: 'STRAVA_PORT', default: 5003, parse: integer(1, 65535), description: 'port of the Strava service' },
  sandboxPort: { env: 'STRAVA_SANDBOX_PORT', default: 5010, parse: integer(1, 65535), description: 'port of the Strava sandbox (started only without STRAVA_CLIENT_ID)' },
  databaseUrl: { env: 'DATABASE_URL', default: undefined as string | undefined, parse: (raw: string, name: string) => (raw === '' ? undefined : databaseUrl(raw, name)), secret: true, description: 'PostgreSQL for every service, each in its own schema (default: one SQLite file per service)' },
  namePrefix: { env: 'RUNNERLY_NAME_PREFIX', default: 'runnerly', parse: (raw: string, name: string) => { if (!/^[a-z][a-z0-9_]{0,30}$/.test(raw)) throw new ConfigError(`${name} must be lower-case letters, digits and _ (at most 31), starting with a letter`); return raw; }, description: 'prefix of the PostgreSQL schemas (<prefix>_<service>) and Redis keys, so several installations can share one server' },
  redisUrl: { env: 'REDIS_URL', default: undefined as string | undefined, parse: optionalRedisUrl, secret: true, description: 'Redis for shared gateway limits and the job queue' },
  stravaClientId: { env: 'STRAVA_CLIENT_ID', default: '', parse: text, description: 'a real Strava application: then no sandbox is started' },
  publicUrl: { env: 'PUBLIC_URL', default: undefined as string | undefined, parse: httpUrl, description: 'the URL browsers use (default http://HOST:GATEWAY_PORT)' },
  demo: { env: 'RUNNERLY_DEMO', default: true, parse: boolean, description: 'seed a demo runner (printed at start) and link it to a sandbox athlete' },
});

export type SystemConfig = ConfigOf<typeof SYSTEM_OPTIONS>;
