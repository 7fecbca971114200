// Concurrency limiting as nginx limit_conn and lua-resty-limit-traffic limit.conn do it: a counter
// per key, incremented when a request starts and decremented when it ends.
//   - in flight (this request included) > max + burst: rejected, and not counted;
//   - max < in flight <= max + burst: admitted but queued. nginx limit_conn has no such band; the
//     gateway follows lua-resty limit.conn, which delays the request by
//     unit_delay * floor((conn - 1) / max): one "average request time" per `max` requests ahead.
//     The unit is a setting of the store (lua-resty takes it as `default_conn_delay`); lua-resty
//     adapts it per worker from observed latencies, which would make two gateways disagree, so it
//     stays fixed here and both stores use the same value.
//   - leaving: decrement, never below zero.

import type { ConcurrencyRule, LimitDecision } from './types.js';

/** lua-resty's documentation example uses 0.5 s as the expected request time. */
export const DEFAULT_CONCURRENCY_UNIT_DELAY_MS = 500;

export type ConcurrencyOutcome =
  | { allowed: true; inFlight: number; delayMs: number }
  | { allowed: false; inFlight: number };

/** One request arriving while `inFlight` others are running. `inFlight` in the outcome includes it when admitted. */
export function concurrencyTake(inFlight: number, rule: ConcurrencyRule, unitDelayMs: number): ConcurrencyOutcome {
  const conn = inFlight + 1;
  if (conn > rule.max + rule.burst) return { allowed: false, inFlight };
  // `max` below 1 would admit nobody without delay; the divisor guard only avoids dividing by zero.
  const delayMs = conn > rule.max ? unitDelayMs * Math.floor((conn - 1) / Math.max(1, rule.max)) : 0;
  return { allowed: true, inFlight: conn, delayMs };
}

/** A request left (finished, failed, timed out or its client went away). */
export function concurrencyRelease(inFlight: number): number {
  return Math.max(0, inFlight - 1);
}

/**
 * RateLimit header numbers: the quota is `max`, `remaining` the free slots. A slot frees when some
 * request ends, which the gateway cannot know in advance: one unit delay is the estimate.
 */
export function concurrencyDecision(
  rule: ConcurrencyRule,
  outcome: ConcurrencyOutcome,
  unitDelayMs: number,
): LimitDecision {
  const limit = rule.max;
  if (!outcome.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil(unitDelayMs / 1000));
    return { allowed: false, retryAfterSeconds, limit, remaining: 0, resetSeconds: retryAfterSeconds };
  }
  return {
    allowed: true,
    delayMs: outcome.delayMs,
    limit,
    remaining: Math.max(0, rule.max - outcome.inFlight),
    resetSeconds: 0,
  };
}
