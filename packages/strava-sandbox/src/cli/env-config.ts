import type { RateLimits } from '../rate-limits/usage-meter.js';
import { SandboxConfigError, type StravaSandboxOptions } from '../options.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../sandbox.js';

export interface CliConfig {
  host: string;
  port: number;
  logLevel: string;
  options: StravaSandboxOptions;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new SandboxConfigError(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  return value;
}

/** "200,2000/100,1000" (overall / read, each 15-minute,daily) or "off". */
export function parseRateLimits(raw: string): RateLimits | false {
  if (raw.trim().toLowerCase() === 'off') return false;
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*\/\s*(\d+)\s*,\s*(\d+)\s*$/.exec(raw);
  if (!match) throw new SandboxConfigError(`STRAVA_SANDBOX_RATE_LIMITS must look like "200,2000/100,1000" or "off", not ${JSON.stringify(raw)}`);
  const [, a, b, c, d] = match.map(Number) as [number, number, number, number, number];
  return { overall: [a, b], read: [c, d] };
}

/** The CLI's configuration, from STRAVA_SANDBOX_* variables. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const options: StravaSandboxOptions = {
    tokenTtlSeconds: integer(env, 'STRAVA_SANDBOX_TOKEN_TTL', 21_600, 1, 10_000_000),
    ...(env.STRAVA_SANDBOX_RATE_LIMITS ? { rateLimits: parseRateLimits(env.STRAVA_SANDBOX_RATE_LIMITS) } : {}),
    seed: { random: integer(env, 'STRAVA_SANDBOX_SEED', 1, 0, 2 ** 32 - 1) },
  };
  return {
    host: env.STRAVA_SANDBOX_HOST || DEFAULT_HOST,
    port: integer(env, 'STRAVA_SANDBOX_PORT', DEFAULT_PORT, 0, 65_535),
    logLevel: env.STRAVA_SANDBOX_LOG_LEVEL || 'info',
    options,
  };
}
