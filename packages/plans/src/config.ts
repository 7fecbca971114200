import { boolean, databaseUrl, defineOptions, integer, ipRanges, logLevel, nonEmpty, requiredHttpUrl, bearerToken, type ConfigOf } from '@runnerly/service-config';

export const PLANS_OPTIONS = defineOptions({
  host: { env: 'PLANS_HOST', default: '127.0.0.1', parse: nonEmpty, description: 'address to listen on' },
  port: { env: 'PLANS_PORT', default: 5005, parse: integer(0, 65535), description: 'port (0 picks a free one)' },
  db: { env: 'PLANS_DB', default: 'sqlite:./data/plans.sqlite', parse: databaseUrl, secret: true, description: 'database: sqlite:PATH or postgres://...' },
  migrateOnStart: { env: 'PLANS_MIGRATE_ON_START', default: true, parse: boolean, description: 'apply the database migrations at start; false: apply none and refuse to start unless `migrate` applied them all (a job runs it once per release)' },
  issuer: { env: 'TOKENDEALER_ISSUER', default: 'http://127.0.0.1:5001', parse: requiredHttpUrl, description: 'TokenDealer, whose tokens are accepted' },
  audience: { env: 'PLANS_AUDIENCE', default: 'runnerly-plans', parse: nonEmpty, description: 'audience of the service tokens for the internal API (client_credentials, plans:read:all)' },
  publicApiAudience: { env: 'PUBLIC_API_AUDIENCE', default: 'http://127.0.0.1:8080/api', parse: nonEmpty, description: 'audience of user tokens for the public API' },
  dataServiceUrl: { env: 'DATASERVICE_URL', default: 'http://127.0.0.1:5002', parse: requiredHttpUrl, description: 'the data service (races, totals, runs, read with the runner\'s token)' },
  logLevel: { env: 'PLANS_LOG_LEVEL', default: 'info', parse: logLevel, description: 'pino log level' },
  metricsAllow: { env: 'PLANS_METRICS_ALLOW', default: ['127.0.0.0/8', '::1'] as string[], parse: ipRanges, description: 'client addresses that may read /metrics' },
  metricsToken: { env: 'PLANS_METRICS_TOKEN', default: undefined as string | undefined, parse: bearerToken, secret: true, description: 'bearer token that lets a scraper read /metrics from anywhere' },
});

export type PlansConfig = ConfigOf<typeof PLANS_OPTIONS>;
