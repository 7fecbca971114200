// What the Redis limit store does while Redis is unreachable or too slow (`store.onError`):
//   local: decide with a per-instance store (each gateway enforces the limit on its own),
//   allow: let the request through uncounted,
//   deny:  reject it (the gateway answers 503: the service, not the client, is at fault).
// An outage is logged once when it starts and once when it ends, never per request.

import type { LimitDecision, LimitResult, LimitRule, LimitStore } from './types.js';

export type RedisErrorPolicy = 'local' | 'allow' | 'deny';

/** The two pino methods the store uses; a pino logger fits. */
export interface OutageLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** A rejection caused by the store being unavailable rather than by the limit: answer 503. */
export type StoreUnavailableDecision = Extract<LimitDecision, { allowed: false }> & { storeUnavailable: true };

export function isStoreUnavailable(decision: LimitDecision): decision is StoreUnavailableDecision {
  return !decision.allowed && (decision as Partial<StoreUnavailableDecision>).storeUnavailable === true;
}

/** The number a rule would report as its quota in RateLimit headers. */
function policyLimit(rule: LimitRule): number {
  switch (rule.type) {
    case 'rate':
      return rule.burst + 1;
    case 'concurrency':
      return rule.max;
    case 'quota':
      return rule.limit;
  }
}

const NOTHING_TO_UNDO = { rollback(): void {}, release(): void {} };

export interface RedisOutageOptions {
  onError: RedisErrorPolicy;
  /** Required for `local`. */
  fallback?: LimitStore;
  logger: OutageLogger;
  /** Names the Redis server in log lines (no credentials). */
  target: string;
  /** Seconds a `deny` rejection asks the client to wait. */
  denyRetryAfterSeconds?: number;
}

export class RedisOutage {
  private readonly onError: RedisErrorPolicy;
  private readonly fallback: LimitStore | undefined;
  private readonly logger: OutageLogger;
  private readonly target: string;
  private readonly denyRetryAfterSeconds: number;
  private startedAt: number | undefined;
  private decidedDuringOutage = 0;

  constructor(options: RedisOutageOptions) {
    if (options.onError === 'local' && !options.fallback) {
      throw new Error('store.onError "local" needs a fallback limit store');
    }
    this.onError = options.onError;
    this.fallback = options.fallback;
    this.logger = options.logger;
    this.target = options.target;
    this.denyRetryAfterSeconds = options.denyRetryAfterSeconds ?? 1;
  }

  get active(): boolean {
    return this.startedAt !== undefined;
  }

  /** Redis failed (connection lost, command error or timeout): start an outage if none is running. */
  failed(error: unknown): void {
    if (this.startedAt !== undefined) return;
    this.startedAt = Date.now();
    this.decidedDuringOutage = 0;
    this.logger.warn(
      { redis: this.target, onError: this.onError, err: error instanceof Error ? error.message : String(error) },
      `redis limit store unavailable; deciding with onError=${this.onError} until it returns`,
    );
  }

  /** Redis answered again: end the running outage, if any. */
  recovered(): void {
    if (this.startedAt === undefined) return;
    const outageMs = Date.now() - this.startedAt;
    this.logger.info(
      { redis: this.target, outageMs, decidedWithoutRedis: this.decidedDuringOutage },
      'redis limit store available again; limits are shared again',
    );
    this.startedAt = undefined;
  }

  /** Decide one limit without Redis, per the policy. */
  decide(rule: LimitRule, key: string, nowMs: number, error: unknown): LimitResult | Promise<LimitResult> {
    this.failed(error);
    this.decidedDuringOutage++;
    const limit = policyLimit(rule);
    switch (this.onError) {
      case 'local':
        // Checked in the constructor.
        return (this.fallback as LimitStore).take(rule, key, nowMs);
      case 'allow':
        return { decision: { allowed: true, delayMs: 0, limit, remaining: limit, resetSeconds: 0 }, ticket: NOTHING_TO_UNDO };
      case 'deny': {
        const retryAfterSeconds = this.denyRetryAfterSeconds;
        const decision: StoreUnavailableDecision = {
          allowed: false,
          retryAfterSeconds,
          limit,
          remaining: 0,
          resetSeconds: retryAfterSeconds,
          storeUnavailable: true,
        };
        return { decision };
      }
    }
  }
}
