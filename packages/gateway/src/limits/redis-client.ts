// The ioredis connection of the Redis limit store, tuned so that a missing or slow Redis costs a
// request at most `commandTimeoutMs` and never piles requests up:
// - no offline queue: while disconnected, commands fail at once (the store then applies onError),
// - no per-request retries: a command caught by a dropped connection fails instead of waiting for
//   the reconnect,
// - reconnection forever with a short capped backoff, so the store recovers by itself.

import { Redis } from 'ioredis';

export interface LimitRedisClientOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  /** A command without a reply after this long fails (and onError decides). */
  commandTimeoutMs: number;
  /** Longest pause between reconnection attempts. */
  maxReconnectDelayMs?: number;
  /** Group commands issued in the same tick into one write (fewer syscalls under load). */
  autoPipelining?: boolean;
}

export function createLimitRedisClient(options: LimitRedisClientOptions): Redis {
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 1000;
  return new Redis(options.url, {
    commandTimeout: options.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(1000, options.commandTimeoutMs * 10),
    retryStrategy: (attempt) => Math.min(50 * attempt, maxReconnectDelayMs),
    enableAutoPipelining: options.autoPipelining ?? true,
    connectionName: 'runnerly-gateway-limits',
  });
}

/** host:port of a Redis URL, for log lines: never the password. */
export function describeRedisTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'redis';
  }
}
