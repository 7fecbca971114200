// The one typed, documented, validated configuration object. The same table drives the
// CLI flags, the environment variables and the configuration table of README.md.
import { isIP } from 'node:net';
import { ConfigError as SharedConfigError, readEnv as readSharedEnv } from '@runnerly/service-config';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../keys/algorithms.js';

export interface TokenDealerConfig {
  host: string;
  port: number;
  db: string;
  migrateOnStart: boolean;
  schemaWaitMs: number;
  issuer: string | undefined;
  signingAlg: SigningAlgorithm;
  accessTokenTtl: number;
  masterSecret: string | undefined;
  adminHost: string;
  adminPort: number;
  adminToken: string | undefined;
  authFailureLimit: number;
  authFailureWindow: number;
  maxBodyBytes: number;
  trustProxy: string[];
  metricsAllow: string[];
  metricsToken: string | undefined;
  changePollMs: number;
  sweepIntervalMs: number;
  logLevel: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  outboxDir: string;
  sessionLifetime: number;
  sessionIdleTimeout: number;
  signInFailureLimit: number;
  signInFailureWindow: number;
  refreshTokenLifetime: number;
  refreshTokenIdleTimeout: number;
  refreshTokenGracePeriod: number;
  pkceOptionalForConfidentialClients: boolean;
  stopDeadlineMs: number;
}

export class ConfigError extends Error {}

interface OptionSpec<K extends keyof TokenDealerConfig> {
  key: K;
  flag: string;
  env: string;
  description: string;
  default: TokenDealerConfig[K];
  parse: (raw: string, name: string) => TokenDealerConfig[K];
  secret?: boolean;
}

function integer(min: number, max: number) {
  return (raw: string, name: string): number => {
    if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
    return value;
  };
}

const text = (raw: string): string => raw;

function databaseUrl(raw: string, name: string): string {
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(raw)) {
    throw new ConfigError(`${name} must start with sqlite: or postgres://, got "${raw}"`);
  }
  return raw;
}

function issuerUrl(raw: string, name: string): string | undefined {
  if (raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got "${raw}"`);
  }
  // RFC 8414 section 2: https, no query and no fragment (http allowed for development).
  if (!['https:', 'http:'].includes(url.protocol) || url.search || url.hash) {
    throw new ConfigError(`${name} must be an http(s) URL without query or fragment, got "${raw}"`);
  }
  // The endpoints and the well-known documents are served from the root of the host.
  if (url.pathname !== '/') throw new ConfigError(`${name} must not have a path (serve TokenDealer at the root of its host), got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

/**
 * Addresses and CIDR ranges: each entry must be a real IPv4 or IPv6 address, with a prefix that
 * fits it. A zero prefix (everyone) is refused: trusting or allowing every address is never meant.
 */
function ipRanges(raw: string, name: string): string[] {
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = /^[0-9a-fA-F.:]+$/.test(address) ? isIP(address) : 0;
    const fits = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128));
    if (family === 0 || !fits || rest.length > 0) {
      throw new ConfigError(`${name} must be a comma-separated list of IPv4 or IPv6 addresses or CIDR ranges, got "${entry}"`);
    }
  }
  return entries;
}

function smtpUrl(raw: string, name: string): string | undefined {
  if (raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an smtp:// or smtps:// URL`);
  }
  // The URL may carry a password: never echo it.
  if (!['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname) throw new ConfigError(`${name} must be an smtp:// or smtps:// URL`);
  return raw;
}

function mailbox(raw: string, name: string): string {
  // "Name <address>" or a bare address, on one line (a newline would inject headers).
  if (!/^([^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(raw.trim())) {
    throw new ConfigError(`${name} must be an address like "TokenDealer <no-reply@example.com>", got "${raw}"`);
  }
  return raw.trim();
}

function nonEmpty(raw: string, name: string): string {
  if (raw.trim() === '') throw new ConfigError(`${name} must not be empty`);
  return raw;
}

function signingAlgorithm(raw: string, name: string): SigningAlgorithm {
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${SIGNING_ALGORITHMS.join(', ')}, got "${raw}"`);
  }
  return raw as SigningAlgorithm;
}

function boolean(raw: string, name: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function secret(raw: string, name: string): string | undefined {
  if (raw === '') return undefined;
  if (raw.length < 32) throw new ConfigError(`${name} must be at least 32 characters long`);
  return raw;
}

/** A secret sent as `Authorization: Bearer`: only characters a bearer header can carry (see admin-auth.ts). */
function bearerToken(raw: string, name: string): string | undefined {
  const token = secret(raw, name);
  if (token !== undefined && !/^[\x21-\x7e]{32,512}$/.test(token)) {
    throw new ConfigError(`${name} must be at most 512 printable ASCII characters without spaces (it is sent as a bearer token)`);
  }
  return token;
}

export const OPTIONS = [
  { key: 'host', flag: '--host <host>', env: 'TOKENDEALER_HOST', default: '127.0.0.1', parse: text,
    description: 'address the public OAuth endpoints listen on' },
  { key: 'port', flag: '--port <port>', env: 'TOKENDEALER_PORT', default: 5001, parse: integer(0, 65535),
    description: 'port of the public OAuth endpoints (0 picks a free port)' },
  { key: 'db', flag: '--db <url>', env: 'TOKENDEALER_DB', default: 'sqlite:./data/tokendealer.sqlite', parse: databaseUrl,
    description: 'database: sqlite:PATH (embedded) or postgres://USER@HOST:PORT/DB' },
  { key: 'migrateOnStart', flag: '--migrate-on-start <bool>', env: 'TOKENDEALER_MIGRATE_ON_START', default: true, parse: boolean,
    description: 'apply the database migrations on opening it; false: apply none and refuse unless `tokendealer migrate` applied them all (a job runs it once per release)' },
  { key: 'schemaWaitMs', flag: '--schema-wait-ms <ms>', env: 'SCHEMA_WAIT_MS', default: 0, parse: integer(0, 3_600_000),
    description: 'with migrate-on-start false, most milliseconds `serve` waits for `tokendealer migrate` (a job) to bring the database to the latest version before refusing (0: refuse at once)' },
  { key: 'issuer', flag: '--issuer <url>', env: 'TOKENDEALER_ISSUER', default: undefined, parse: issuerUrl,
    description: 'issuer URL written into tokens and metadata (default: http://HOST:PORT)' },
  { key: 'signingAlg', flag: '--signing-alg <alg>', env: 'TOKENDEALER_SIGNING_ALG', default: 'ES256', parse: signingAlgorithm,
    description: `algorithm of access tokens: ${SIGNING_ALGORITHMS.join(', ')}` },
  { key: 'accessTokenTtl', flag: '--access-token-ttl <seconds>', env: 'TOKENDEALER_ACCESS_TOKEN_TTL', default: 900,
    parse: integer(30, 86_400), description: 'lifetime of access tokens in seconds' },
  { key: 'masterSecret', flag: '--master-secret <secret>', env: 'TOKENDEALER_MASTER_SECRET', default: undefined, parse: secret,
    secret: true, description: 'secret (>= 32 chars) that encrypts signing keys at rest and keys the client-secret hashes' },
  { key: 'adminHost', flag: '--admin-host <host>', env: 'TOKENDEALER_ADMIN_HOST', default: '127.0.0.1', parse: text,
    description: 'address of the admin API' },
  { key: 'adminPort', flag: '--admin-port <port>', env: 'TOKENDEALER_ADMIN_PORT', default: 5101, parse: integer(0, 65535),
    description: 'port of the admin API (only started when an admin token is set)' },
  { key: 'adminToken', flag: '--admin-token <token>', env: 'TOKENDEALER_ADMIN_TOKEN', default: undefined, parse: bearerToken,
    secret: true, description: 'bootstrap bearer token (32 to 512 printable ASCII characters, no spaces) that enables the admin API' },
  { key: 'authFailureLimit', flag: '--auth-failure-limit <count>', env: 'TOKENDEALER_AUTH_FAILURE_LIMIT', default: 20,
    parse: integer(1, 10_000), description: 'failed client authentications allowed per client and address in a window' },
  { key: 'authFailureWindow', flag: '--auth-failure-window <seconds>', env: 'TOKENDEALER_AUTH_FAILURE_WINDOW', default: 60,
    parse: integer(1, 86_400), description: 'length of the failed-authentication window in seconds' },
  { key: 'maxBodyBytes', flag: '--max-body-bytes <bytes>', env: 'TOKENDEALER_MAX_BODY_BYTES', default: 16_384,
    parse: integer(1024, 1_048_576), description: 'largest request body accepted' },
  { key: 'trustProxy', flag: '--trust-proxy <addresses>', env: 'TOKENDEALER_TRUST_PROXY', default: [] as string[], parse: ipRanges,
    description: 'comma-separated proxy addresses or CIDR ranges whose X-Forwarded-For is believed (for throttling by client address)' },
  { key: 'metricsAllow', flag: '--metrics-allow <addresses>', env: 'TOKENDEALER_METRICS_ALLOW', default: ['127.0.0.0/8', '::1'] as string[], parse: ipRanges,
    description: 'comma-separated client addresses or CIDR ranges (IPv4 or IPv6) that may read /metrics; empty: only holders of the metrics token' },
  { key: 'metricsToken', flag: '--metrics-token <token>', env: 'TOKENDEALER_METRICS_TOKEN', default: undefined, parse: bearerToken,
    secret: true, description: 'bearer token (32 to 512 printable ASCII characters, no spaces) that lets a scraper read /metrics from any address' },
  { key: 'changePollMs', flag: '--change-poll-ms <ms>', env: 'TOKENDEALER_CHANGE_POLL_MS', default: 250,
    parse: integer(50, 60_000), description: 'how often the server looks for client and key changes, and keys blocked by failure limits, made elsewhere' },
  { key: 'sweepIntervalMs', flag: '--sweep-interval-ms <ms>', env: 'TOKENDEALER_SWEEP_INTERVAL_MS', default: 60_000,
    parse: integer(1000, 86_400_000), description: 'how often expired codes, sessions, mailed links, abandoned sign-ups, revocations, assertion ids, refresh families, failure counts and retired keys are deleted (in batches; every instance may do it)' },
  { key: 'logLevel', flag: '--log-level <level>', env: 'TOKENDEALER_LOG_LEVEL', default: 'info', parse: text,
    description: 'pino log level: fatal, error, warn, info, debug, trace or silent' },
  { key: 'smtpUrl', flag: '--smtp-url <url>', env: 'TOKENDEALER_SMTP_URL', default: undefined, parse: smtpUrl, secret: true,
    description: 'SMTP server for account mail, smtp://USER:PASS@HOST:PORT or smtps://... (without it, mail goes to the outbox folder)' },
  { key: 'mailFrom', flag: '--mail-from <address>', env: 'TOKENDEALER_MAIL_FROM', default: 'TokenDealer <no-reply@localhost>', parse: mailbox,
    description: 'sender of account mail' },
  { key: 'outboxDir', flag: '--outbox-dir <path>', env: 'TOKENDEALER_OUTBOX_DIR', default: './data/outbox', parse: nonEmpty,
    description: 'folder where account mail is written, one JSON file per message, when no SMTP server is set' },
  { key: 'sessionLifetime', flag: '--session-lifetime <seconds>', env: 'TOKENDEALER_SESSION_LIFETIME', default: 604_800,
    parse: integer(300, 31_536_000), description: 'seconds after sign-in at which a session ends, however active' },
  { key: 'sessionIdleTimeout', flag: '--session-idle-timeout <seconds>', env: 'TOKENDEALER_SESSION_IDLE_TIMEOUT', default: 86_400,
    parse: integer(300, 31_536_000), description: 'seconds without a request after which a session ends' },
  { key: 'signInFailureLimit', flag: '--sign-in-failure-limit <count>', env: 'TOKENDEALER_SIGN_IN_FAILURE_LIMIT', default: 5,
    parse: integer(1, 1000), description: 'failed sign-ins allowed per account and address in a window (10 times that per account, 5 times per address)' },
  { key: 'signInFailureWindow', flag: '--sign-in-failure-window <seconds>', env: 'TOKENDEALER_SIGN_IN_FAILURE_WINDOW', default: 900,
    parse: integer(1, 86_400), description: 'length of the failed sign-in window in seconds' },
  { key: 'refreshTokenLifetime', flag: '--refresh-token-lifetime <seconds>', env: 'TOKENDEALER_REFRESH_TOKEN_LIFETIME', default: 7_776_000,
    parse: integer(300, 31_536_000), description: 'seconds after an authorization at which its refresh tokens end, however often rotated' },
  { key: 'refreshTokenIdleTimeout', flag: '--refresh-token-idle-timeout <seconds>', env: 'TOKENDEALER_REFRESH_TOKEN_IDLE_TIMEOUT', default: 1_209_600,
    parse: integer(60, 31_536_000), description: 'seconds a refresh token may go unused before it ends' },
  { key: 'refreshTokenGracePeriod', flag: '--refresh-token-grace-period <seconds>', env: 'TOKENDEALER_REFRESH_TOKEN_GRACE_PERIOD', default: 10,
    parse: integer(0, 300), description: 'seconds in which a just-rotated refresh token still works (concurrent refreshes), before reuse revokes its family' },
  { key: 'pkceOptionalForConfidentialClients', flag: '--pkce-optional-for-confidential-clients <bool>', env: 'TOKENDEALER_PKCE_OPTIONAL_FOR_CONFIDENTIAL_CLIENTS',
    default: false, parse: boolean, description: 'true lets confidential clients send authorization requests without PKCE (public clients always need S256)' },
  { key: 'stopDeadlineMs', flag: '--stop-deadline-ms <ms>', env: 'STOP_DEADLINE_MS', default: 10_000, parse: integer(100, 600_000),
    description: 'on SIGTERM, most milliseconds to finish in-flight requests and close the database before exiting' },
] as const satisfies readonly OptionSpec<keyof TokenDealerConfig>[];

export const DEFAULT_CONFIG: TokenDealerConfig = Object.fromEntries(
  OPTIONS.map((option) => [option.key, option.default]),
) as unknown as TokenDealerConfig;

/**
 * The raw value of `name`, or the content of the file `${name}_FILE` names (mounted secrets): the
 * rule of @runnerly/service-config, its errors given as TokenDealer's ConfigError.
 */
function readEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  try {
    return readSharedEnv(env, name);
  } catch (error) {
    throw error instanceof SharedConfigError ? new ConfigError(error.message) : error;
  }
}

/**
 * Builds the configuration: defaults, overridden by environment variables, overridden by
 * CLI flags (given as raw strings keyed by config key).
 */
export function resolveConfig(
  flags: Partial<Record<keyof TokenDealerConfig, string>> = {},
  env: NodeJS.ProcessEnv = process.env,
): TokenDealerConfig {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const option of OPTIONS as readonly OptionSpec<keyof TokenDealerConfig>[]) {
    const fromEnv = readEnv(env, option.env);
    if (fromEnv !== undefined) config[option.key] = option.parse(fromEnv, option.env);
    const fromFlag = flags[option.key];
    if (fromFlag !== undefined) config[option.key] = option.parse(fromFlag, option.flag.split(' ')[0]!);
  }
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(config.logLevel as string)) {
    throw new ConfigError(`log level must be one of ${levels.join(', ')}, got "${String(config.logLevel)}"`);
  }
  // The metrics token is handed to a scraper: it must not also open the admin API.
  if (config.metricsToken !== undefined && config.metricsToken === config.adminToken) {
    throw new ConfigError('the metrics token must differ from the admin token');
  }
  return config as unknown as TokenDealerConfig;
}

/** The issuer: configured, or derived from the address the server really listens on. */
export function effectiveIssuer(config: TokenDealerConfig, port: number): string {
  if (config.issuer) return config.issuer;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
}
