// The Strava service's configuration: one option table drives the environment, the CLI flags and
// the README's configuration table.
import { boolean, ConfigError, databaseUrl, defineOptions, httpUrl, integer, logLevel, nonEmpty, optionalRedisUrl, port, requiredHttpUrl, resolveOptions, text, type ConfigOf } from '@runnerly/service-config';
import { returnUrlList } from './return-urls.js';

export const STRAVA_OPTIONS = defineOptions({
  port: { env: 'STRAVA_PORT', flag: '--port <port>', default: 5003, parse: port, description: 'port to listen on' },
  host: { env: 'STRAVA_HOST', flag: '--host <host>', default: '127.0.0.1', parse: nonEmpty, description: 'address to listen on' },
  db: { env: 'STRAVA_DB', flag: '--db <url>', default: 'sqlite:./data/strava.sqlite', parse: databaseUrl, secret: true, description: 'database: sqlite:PATH or postgres://...' },
  migrateOnStart: { env: 'STRAVA_MIGRATE_ON_START', default: true, parse: boolean, description: 'apply the database migrations at start; false: apply none and refuse to start unless `migrate` applied them all (a job runs it once per release)' },
  redisUrl: { env: 'REDIS_URL', default: undefined as string | undefined, parse: optionalRedisUrl, secret: true, description: 'Redis for the job queue (BullMQ); the jobs live in the database when unset' },
  queuePrefix: { env: 'STRAVA_QUEUE_PREFIX', default: 'runnerly-strava', parse: nonEmpty, description: "with REDIS_URL: the prefix of the queue's Redis keys" },
  logLevel: { env: 'STRAVA_LOG_LEVEL', default: 'info', parse: logLevel, description: 'log level' },
  clientId: { env: 'STRAVA_CLIENT_ID', default: undefined as string | undefined, parse: optionalText, description: "the Strava application's client id (required)" },
  clientSecret: { env: 'STRAVA_CLIENT_SECRET', default: undefined as string | undefined, parse: optionalText, secret: true, description: "the Strava application's client secret (required)" },
  oauthUrl: { env: 'STRAVA_OAUTH_URL', default: 'https://www.strava.com/oauth', parse: requiredHttpUrl, description: "Strava's OAuth base URL (authorize, token, deauthorize)" },
  apiUrl: { env: 'STRAVA_API_URL', default: 'https://www.strava.com/api/v3', parse: requiredHttpUrl, description: "Strava's API base URL" },
  webhookVerifyToken: { env: 'STRAVA_WEBHOOK_VERIFY_TOKEN', default: undefined as string | undefined, parse: optionalText, secret: true, description: 'the verify_token of the webhook subscription handshake' },
  webhookCallbackUrl: { env: 'STRAVA_WEBHOOK_CALLBACK_URL', default: undefined as string | undefined, parse: httpUrl, description: 'public URL of /strava/webhook; when set, the subscription is created (or reused) at start' },
  tokenKey: { env: 'STRAVA_TOKEN_KEY', default: undefined as string | undefined, parse: optionalText, secret: true, description: 'AES-256-GCM key for Strava tokens at rest: 32 bytes, base64 or hex; required with NODE_ENV=production' },
  tokenKeyFile: { env: 'STRAVA_TOKEN_KEY_FILE', default: './data/strava-token.key', parse: nonEmpty, description: 'outside production, where the key is generated on first start when STRAVA_TOKEN_KEY is unset' },
  tokenDealerIssuer: { env: 'TOKENDEALER_ISSUER', default: 'http://127.0.0.1:5001', parse: requiredHttpUrl, description: "TokenDealer's issuer: user tokens are verified against it, service tokens come from it" },
  serviceClientId: { env: 'STRAVA_SERVICE_CLIENT_ID', default: undefined as string | undefined, parse: optionalText, description: "this service's client_credentials client at TokenDealer (for the data service)" },
  serviceClientSecret: { env: 'STRAVA_SERVICE_CLIENT_SECRET', default: undefined as string | undefined, parse: optionalText, secret: true, description: 'its secret' },
  dataServiceUrl: { env: 'DATASERVICE_URL', default: 'http://127.0.0.1:5002', parse: requiredHttpUrl, description: "the data service's base URL" },
  publicUrl: { env: 'PUBLIC_URL', default: 'http://127.0.0.1:8080', parse: requiredHttpUrl, description: "the gateway's public URL; Strava's redirect URI is {PUBLIC_URL}/strava/callback" },
  publicApiAudience: { env: 'PUBLIC_API_AUDIENCE', default: undefined as string | undefined, parse: httpUrl, description: 'audience of user tokens (default {PUBLIC_URL}/api)' },
  audience: { env: 'STRAVA_AUDIENCE', default: 'runnerly-strava', parse: nonEmpty, description: 'audience of service tokens for the internal endpoints' },
  returnUrls: { env: 'STRAVA_RETURN_URLS', default: undefined as string[] | undefined, parse: returnUrlList, description: 'comma-separated URL prefixes the callback may send the browser back to (default {PUBLIC_URL}/); the first is the default' },
  rateLimitMargin: { env: 'STRAVA_RATE_LIMIT_MARGIN', default: 10, parse: integer(0, 10_000), description: 'requests of each Strava window the importer leaves unused (for webhook fetches, links and unlinks)' },
  importConcurrency: { env: 'STRAVA_IMPORT_CONCURRENCY', default: 2, parse: integer(1, 64), description: 'import and webhook jobs run at once by this instance' },
  jobLeaseMs: { env: 'STRAVA_JOB_LEASE_MS', default: 30_000, parse: integer(500, 600_000), description: 'how long a job stays with a worker without news: after a crash its jobs run again this much later' },
  sweepIntervalSeconds: { env: 'STRAVA_SWEEP_INTERVAL', default: 3600, parse: integer(60, 86_400 * 7), description: 'without a webhook: seconds between sweeps for new activities of every linked runner' },
  requestTimeoutMs: { env: 'STRAVA_REQUEST_TIMEOUT_MS', default: 15_000, parse: integer(100, 120_000), description: 'timeout of each call to Strava and the data service' },
});

export type StravaOptionValues = ConfigOf<typeof STRAVA_OPTIONS>;
/** The options with the defaults derived from PUBLIC_URL filled in. */
export type StravaServiceConfig = Omit<StravaOptionValues, 'returnUrls' | 'publicApiAudience'> & { returnUrls: string[]; publicApiAudience: string };

function optionalText(raw: string): string | undefined {
  return raw === '' ? undefined : text(raw, '');
}

/** The configuration from the environment (and flags), with the defaults derived from PUBLIC_URL filled in. */
export function resolveStravaConfig(env: NodeJS.ProcessEnv = process.env, flags: Partial<Record<keyof typeof STRAVA_OPTIONS, string>> = {}): StravaServiceConfig {
  const config = resolveOptions(STRAVA_OPTIONS, env, flags);
  return completeConfig(config);
}

export function completeConfig(config: StravaOptionValues): StravaServiceConfig {
  if (config.clientId === undefined || config.clientSecret === undefined) throw new ConfigError('STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET must be set');
  if (config.webhookCallbackUrl !== undefined && config.webhookVerifyToken === undefined) {
    throw new ConfigError('STRAVA_WEBHOOK_VERIFY_TOKEN must be set with STRAVA_WEBHOOK_CALLBACK_URL');
  }
  if (config.serviceClientId === undefined || config.serviceClientSecret === undefined) {
    throw new ConfigError('STRAVA_SERVICE_CLIENT_ID and STRAVA_SERVICE_CLIENT_SECRET must be set (the client that writes runs to the data service)');
  }
  return {
    ...config,
    publicApiAudience: config.publicApiAudience ?? `${config.publicUrl}/api`,
    returnUrls: config.returnUrls ?? [`${config.publicUrl}/`],
  };
}

/** Where Strava sends the browser back: the gateway routes /strava/ to this service. */
export const redirectUri = (config: Pick<StravaServiceConfig, 'publicUrl'>): string => `${config.publicUrl}/strava/callback`;
