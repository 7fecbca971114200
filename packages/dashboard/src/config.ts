import { boolean, bearerToken, databaseUrl, defineOptions, integer, ipRanges, logLevel, nonEmpty, requiredHttpUrl, text, type ConfigOf, ConfigError } from '@runnerly/service-config';

/** A 32-byte key given in base64 (or base64url). */
function key32(raw: string, name: string): string | undefined {
  if (raw === '') return undefined;
  if (Buffer.from(raw, 'base64').length !== 32) throw new ConfigError(`${name} must be 32 bytes in base64 (e.g. openssl rand -base64 32)`);
  return raw;
}

export const DASHBOARD_OPTIONS = defineOptions({
  host: { env: 'DASHBOARD_HOST', default: '127.0.0.1', parse: nonEmpty, description: 'address to listen on' },
  port: { env: 'DASHBOARD_PORT', default: 5000, parse: integer(0, 65535), description: 'port (0 picks a free one)' },
  db: { env: 'DASHBOARD_DB', default: 'sqlite:./data/dashboard.sqlite', parse: databaseUrl, secret: true, description: 'sessions database: sqlite:PATH or postgres://...' },
  migrateOnStart: { env: 'DASHBOARD_MIGRATE_ON_START', default: true, parse: boolean, description: 'apply the database migrations at start; false: apply none and refuse to start unless `migrate` applied them all (a job runs it once per release)' },
  publicUrl: { env: 'PUBLIC_URL', default: 'http://127.0.0.1:8080', parse: requiredHttpUrl, description: 'the origin browsers use (the gateway); the sign-in callback is PUBLIC_URL/auth/callback' },
  issuer: { env: 'TOKENDEALER_ISSUER', default: 'http://127.0.0.1:5001', parse: requiredHttpUrl, description: 'TokenDealer' },
  clientId: { env: 'DASHBOARD_CLIENT_ID', default: '', parse: text, description: 'the dashboard\'s OAuth client (confidential, first-party)' },
  clientSecret: { env: 'DASHBOARD_CLIENT_SECRET', default: '', parse: text, secret: true, description: 'its secret' },
  serviceClientId: { env: 'DASHBOARD_SERVICE_CLIENT_ID', default: '', parse: text, description: 'optional client_credentials client (scope users:email for the data service) that keeps each runner\'s email with the profile at sign-in, for the monthly reports' },
  serviceClientSecret: { env: 'DASHBOARD_SERVICE_CLIENT_SECRET', default: '', parse: text, secret: true, description: 'its secret' },
  dataServiceAudience: { env: 'DATASERVICE_AUDIENCE', default: 'runnerly-data', parse: nonEmpty, description: 'audience of that client\'s tokens' },
  scopes: {
    env: 'DASHBOARD_SCOPES',
    default: 'openid profile email runs:read runs:write races:read races:write plans:read plans:write reports:read strava',
    parse: nonEmpty,
    description: 'scopes asked for at sign-in',
  },
  sessionKey: { env: 'DASHBOARD_SESSION_KEY', default: undefined as string | undefined, parse: key32, secret: true, description: '32-byte key (base64) sealing the tokens kept in sessions (AES-256-GCM); required' },
  sessionLifetime: { env: 'DASHBOARD_SESSION_LIFETIME', default: 604_800, parse: integer(300, 31_536_000), description: 'seconds after sign-in at which a session ends' },
  sessionIdleTimeout: { env: 'DASHBOARD_SESSION_IDLE_TIMEOUT', default: 86_400, parse: integer(300, 31_536_000), description: 'seconds without a request after which a session ends' },
  sweepIntervalMs: { env: 'DASHBOARD_SWEEP_INTERVAL_MS', default: 60_000, parse: integer(1000, 86_400_000), description: 'how often ended sessions and abandoned sign-ins are deleted (in batches; every instance may do it)' },
  dataServiceUrl: { env: 'DATASERVICE_URL', default: 'http://127.0.0.1:5002', parse: requiredHttpUrl, description: 'where /bff/api/data/ goes' },
  stravaUrl: { env: 'STRAVA_URL', default: 'http://127.0.0.1:5003', parse: requiredHttpUrl, description: 'where /bff/api/strava/ goes' },
  reportsUrl: { env: 'REPORTS_URL', default: 'http://127.0.0.1:5004', parse: requiredHttpUrl, description: 'where /bff/api/reports/ goes' },
  plansUrl: { env: 'PLANS_URL', default: 'http://127.0.0.1:5005', parse: requiredHttpUrl, description: 'where /bff/api/plans/ goes' },
  webDir: { env: 'DASHBOARD_WEB_DIR', default: '', parse: text, description: 'the built front end (default: the package\'s web/dist)' },
  logLevel: { env: 'DASHBOARD_LOG_LEVEL', default: 'info', parse: logLevel, description: 'pino log level' },
  metricsAllow: { env: 'DASHBOARD_METRICS_ALLOW', default: ['127.0.0.0/8', '::1'] as string[], parse: ipRanges, description: 'client addresses that may read /metrics' },
  metricsToken: { env: 'DASHBOARD_METRICS_TOKEN', default: undefined as string | undefined, parse: bearerToken, secret: true, description: 'bearer token for /metrics from anywhere' },
});

export type DashboardConfig = ConfigOf<typeof DASHBOARD_OPTIONS>;

export function assertUsable(config: DashboardConfig): void {
  if (config.clientId === '' || config.clientSecret === '') throw new ConfigError('DASHBOARD_CLIENT_ID and DASHBOARD_CLIENT_SECRET must be set (register the dashboard in TokenDealer)');
  if (config.sessionKey === undefined) throw new ConfigError('DASHBOARD_SESSION_KEY must be set (32 bytes in base64)');
}
