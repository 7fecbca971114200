import { boolean, bearerToken, databaseUrl, defineOptions, integer, ipRanges, logLevel, nonEmpty, requiredHttpUrl, text, type ConfigOf } from '@runnerly/service-config';

export const REPORTS_OPTIONS = defineOptions({
  host: { env: 'REPORTS_HOST', default: '127.0.0.1', parse: nonEmpty, description: 'address to listen on' },
  port: { env: 'REPORTS_PORT', default: 5004, parse: integer(0, 65535), description: 'port (0 picks a free one)' },
  db: { env: 'REPORTS_DB', default: 'sqlite:./data/reports.sqlite', parse: databaseUrl, secret: true, description: 'database: sqlite:PATH or postgres://...' },
  migrateOnStart: { env: 'REPORTS_MIGRATE_ON_START', default: true, parse: boolean, description: 'apply the database migrations at start; false: apply none and refuse to start unless `migrate` applied them all (a job runs it once per release)' },
  issuer: { env: 'TOKENDEALER_ISSUER', default: 'http://127.0.0.1:5001', parse: requiredHttpUrl, description: 'TokenDealer' },
  publicApiAudience: { env: 'PUBLIC_API_AUDIENCE', default: 'http://127.0.0.1:8080/api', parse: nonEmpty, description: 'audience of user tokens for the public API' },
  publicUrl: { env: 'PUBLIC_URL', default: 'http://127.0.0.1:8080', parse: requiredHttpUrl, description: 'the dashboard, linked from the mail' },
  dataServiceUrl: { env: 'DATASERVICE_URL', default: 'http://127.0.0.1:5002', parse: requiredHttpUrl, description: 'the data service (internal API)' },
  dataServiceAudience: { env: 'DATASERVICE_AUDIENCE', default: 'runnerly-data', parse: nonEmpty, description: 'audience of the service token for the data service' },
  plansUrl: { env: 'PLANS_URL', default: 'http://127.0.0.1:5005', parse: requiredHttpUrl, description: 'the plans service (internal API): each month is compared with the runner\'s plan' },
  plansAudience: { env: 'PLANS_AUDIENCE', default: 'runnerly-plans', parse: nonEmpty, description: 'audience of the service token for the plans service' },
  clientId: { env: 'REPORTS_SERVICE_CLIENT_ID', default: '', parse: text, description: 'the reports service\'s own client (client_credentials: runs:read:all for runnerly-data, plans:read:all for runnerly-plans)' },
  clientSecret: { env: 'REPORTS_SERVICE_CLIENT_SECRET', default: '', parse: text, secret: true, description: 'its secret' },
  smtpUrl: { env: 'REPORTS_SMTP_URL', default: undefined as string | undefined, parse: (raw: string) => (raw === '' ? undefined : raw), secret: true, description: 'SMTP server for the reports (smtp:// or smtps://); without it, mail goes to the outbox folder' },
  mailFrom: { env: 'REPORTS_MAIL_FROM', default: 'Runnerly <reports@localhost>', parse: nonEmpty, description: 'sender of the reports' },
  outboxDir: { env: 'REPORTS_OUTBOX_DIR', default: './data/outbox', parse: nonEmpty, description: 'outbox folder (TokenDealer\'s format) when no SMTP server is set' },
  tickMs: { env: 'REPORTS_TICK_MS', default: 60_000, parse: integer(100, 3_600_000), description: 'how often the scheduler looks for months to build and mail to send' },
  logLevel: { env: 'REPORTS_LOG_LEVEL', default: 'info', parse: logLevel, description: 'pino log level' },
  metricsAllow: { env: 'REPORTS_METRICS_ALLOW', default: ['127.0.0.0/8', '::1'] as string[], parse: ipRanges, description: 'client addresses that may read /metrics' },
  metricsToken: { env: 'REPORTS_METRICS_TOKEN', default: undefined as string | undefined, parse: bearerToken, secret: true, description: 'bearer token for /metrics from anywhere' },
});

export type ReportsConfig = ConfigOf<typeof REPORTS_OPTIONS>;
