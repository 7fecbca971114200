import type { Logger } from 'pino';
import type { SandboxClient } from './oauth/clients.js';
import type { RateLimits } from './rate-limits/usage-meter.js';
import { STRAVA_DEFAULT_RATE_LIMITS } from './rate-limits/usage-meter.js';
import type { SeedOptions } from './athletes/seed.js';

export interface StravaSandboxOptions {
  /** The registered applications. Default: one, from STRAVA_SANDBOX_CLIENT_ID / _SECRET or '1000' / 'sandbox-secret'. */
  clients?: SandboxClient[];
  /** Access token lifetime. Default 21600 (six hours, Strava's). */
  tokenTtlSeconds?: number;
  /** Limits per application; `false` turns them off (the headers still come, with huge limits). Default Strava's. */
  rateLimits?: RateLimits | false;
  /** The athletes and history to start with. Default three athletes with four months of activities. */
  seed?: SeedOptions;
  /** Epoch milliseconds; token expiry, codes, rate-limit windows and event times follow it. Default Date.now. */
  clock?: () => number;
  /** Milliseconds before a webhook event is first sent. Default 0. */
  eventDelay?: number;
  /** Milliseconds between delivery attempts. Default 1000. */
  retryDelay?: number;
  /** Milliseconds a callback has to answer (the handshake and each event). Default 2000, Strava's. */
  callbackTimeout?: number;
  /** A pino logger for requests and deliveries. Default: none. */
  logger?: Logger;
}

export interface ResolvedOptions {
  clients: SandboxClient[];
  tokenTtlSeconds: number;
  rateLimits: RateLimits | false;
  seed: SeedOptions;
  clock: () => number;
  eventDelay: number;
  retryDelay: number;
  callbackTimeout: number;
  logger: Logger | undefined;
}

export class SandboxConfigError extends Error {}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved < 0) throw new SandboxConfigError(`${name} must be a non-negative number`);
  return resolved;
}

export function defaultClients(env: NodeJS.ProcessEnv = process.env): SandboxClient[] {
  return [{ clientId: env.STRAVA_SANDBOX_CLIENT_ID ?? '1000', clientSecret: env.STRAVA_SANDBOX_CLIENT_SECRET ?? 'sandbox-secret' }];
}

/** Defaults, checks, and the one rule above all: a test double never runs in production. */
export function resolveOptions(options: StravaSandboxOptions, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  if (env.NODE_ENV === 'production') {
    throw new SandboxConfigError('the Strava sandbox is for development and tests only; it refuses to run with NODE_ENV=production');
  }
  const tokenTtlSeconds = nonNegative('tokenTtlSeconds', options.tokenTtlSeconds, 21_600);
  if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds === 0) throw new SandboxConfigError('tokenTtlSeconds must be a positive integer');
  return {
    clients: options.clients ?? defaultClients(env),
    tokenTtlSeconds,
    rateLimits: options.rateLimits ?? STRAVA_DEFAULT_RATE_LIMITS,
    seed: options.seed ?? {},
    clock: options.clock ?? Date.now,
    eventDelay: nonNegative('eventDelay', options.eventDelay, 0),
    retryDelay: nonNegative('retryDelay', options.retryDelay, 1000),
    callbackTimeout: nonNegative('callbackTimeout', options.callbackTimeout, 2000),
    logger: options.logger,
  };
}
