// Turns the Redis scripts' raw replies into LimitDecisions. The scripts decide admit/reject
// atomically; everything derived from their numbers (delays, RateLimit header values,
// Retry-After) is computed here with the reference algorithms the memory store uses.

import { concurrencyDecision, concurrencyTake } from './concurrency.js';
import {
  leakyBucketDecision,
  leakyBucketDelayMs,
  leakyBucketParams,
  type LeakyBucketOutcome,
} from './leaky-bucket.js';
import { quotaDecision, type QuotaOutcome } from './quota.js';
import type { ConcurrencyRule, LimitDecision, QuotaRule, RateRule } from './types.js';

/**
 * Leaky bucket outcome, shaped by the reference algorithm (leaky-bucket.ts) so both stores report
 * the same delays and headers. `excess` is in milli-requests: after an admitted request the stored
 * level, for a rejected one the level it would have reached; `last` is the stored update time.
 */
export function rateDecision(rule: RateRule, admitted: boolean, excess: number, last: number): LimitDecision {
  const params = leakyBucketParams(rule);
  const outcome: LeakyBucketOutcome = admitted
    ? { allowed: true, excess, delayMs: leakyBucketDelayMs(params, excess), next: { excess, last } }
    : { allowed: false, excess };
  return leakyBucketDecision(params, outcome);
}

/**
 * Concurrency outcome, shaped by the reference algorithm (concurrency.ts). `inFlight` is what the
 * script counted: this request included when admitted, the full set when rejected.
 */
export function concurrencyRedisDecision(
  rule: ConcurrencyRule,
  admitted: boolean,
  inFlight: number,
  unitDelayMs: number,
): LimitDecision {
  const before = admitted ? inFlight - 1 : inFlight;
  const outcome = concurrencyTake(before, rule, unitDelayMs);
  if (outcome.allowed !== admitted) {
    // The script and the reference share one capacity rule (max + burst); disagreeing is a bug.
    throw new Error(`concurrency script and reference disagree for ${rule.id} at ${inFlight} in flight`);
  }
  return concurrencyDecision(rule, outcome, unitDelayMs);
}

/** What the quota script saw; `current` counts this request when admitted. */
export interface QuotaReply {
  current: number;
  previous: number;
  windowStartMs: number;
  nowMs: number;
}

/** Quota outcome, shaped by the reference algorithm (quota.ts). */
export function quotaRedisDecision(rule: QuotaRule, admitted: boolean, reply: QuotaReply): LimitDecision {
  const state = { windowStart: reply.windowStartMs, current: reply.current, previous: reply.previous };
  const outcome: QuotaOutcome = admitted
    ? { allowed: true, next: state, nowMs: reply.nowMs }
    : { allowed: false, state, nowMs: reply.nowMs };
  return quotaDecision(rule, outcome);
}
