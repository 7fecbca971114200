// The leaky bucket of nginx limit_req, as pure integer arithmetic (no I/O, no clock of its own).
// Mirrors ngx_http_limit_req_module.c of nginx 1.22 (ngx_http_limit_req_lookup with `account` set,
// as for a location's last or only limit, and ngx_http_limit_req_account for the delay):
//   - rates are integers in milli-requests per second ("10r/s" -> 10000, "1r/m" -> 1000 / 60 = 16),
//   - excess and burst are in milli-requests, the clock in whole milliseconds,
//   - excess = max(prev - rate * ms / 1000 + 1000, 0) with truncating division,
//   - a request is rejected when excess > burst, and then the state is not touched,
//   - a passing request stores its excess, and moves `last` only when ms != 0,
//   - a key seen for the first time passes with excess 0 (not 1000).
// lua-resty-limit-traffic's limit.req computes the same formula in floating point (ngx.now() with
// sub-millisecond fractions, no truncation of the drained amount, the delay as excess / rate
// without rounding down to whole ms) and has no `delay=N`; where the two differ, this follows nginx.
// The Redis store's Lua script implements the same steps; this file is the reference for it.

import type { LimitDecision, RateRule } from './types.js';

/** Per-key state, as nginx's ngx_http_limit_req_node_t keeps it. */
export interface LeakyBucketState {
  /** Milli-requests above the steady rate (1000 = one request). */
  excess: number;
  /** Millisecond clock of the last update. */
  last: number;
}

/** A RateRule in nginx's integer units. */
export interface LeakyBucketParams {
  /** Milli-requests per second (nginx ctx->rate). */
  rate: number;
  /** Milli-requests (nginx limit->burst = burst * 1000). */
  burst: number;
  /** Milli-requests passed without delay (nginx limit->delay = delay * 1000; nodelay: unbounded). */
  delay: number;
}

export type LeakyBucketOutcome =
  | { allowed: true; excess: number; delayMs: number; next: LeakyBucketState }
  | { allowed: false; excess: number };

/** nginx clamps backward clock steps: more than a minute back counts as 1 ms, a small step back as 0. */
const LARGE_CLOCK_STEP_BACK_MS = -60000;

const ONE_REQUEST = 1000;

export function leakyBucketParams(rule: RateRule): LeakyBucketParams {
  return {
    // nginx parses "N r/m" as N * 1000 / 60 with integer division; ratePerSecond = N / 60 here, and
    // the epsilon undoes binary rounding when N * 1000 / 60 is whole (any real fraction is >= 1/60).
    rate: Math.max(1, Math.floor(rule.ratePerSecond * 1000 + 1e-6)),
    burst: Math.max(0, Math.floor(rule.burst)) * ONE_REQUEST,
    delay: rule.delay === 'nodelay' ? Number.MAX_SAFE_INTEGER : Math.max(0, Math.floor(rule.delay)) * ONE_REQUEST,
  };
}

/** Elapsed ms as nginx sees it, including its treatment of a clock that went back. */
function elapsedMs(state: LeakyBucketState, now: number): number {
  const ms = now - state.last;
  if (ms < LARGE_CLOCK_STEP_BACK_MS) return 1;
  return ms < 0 ? 0 : ms;
}

/** Milli-requests drained over `ms` (C: ctx->rate * ms / 1000, unsigned, truncating). */
function drained(params: LeakyBucketParams, ms: number): number {
  return Math.floor((params.rate * ms) / 1000);
}

/** ngx_http_limit_req_account: (excess - delay) * 1000 / rate ms when excess is above the threshold. */
export function leakyBucketDelayMs(params: LeakyBucketParams, excess: number): number {
  if (excess <= params.delay) return 0;
  return Math.floor(((excess - params.delay) * 1000) / params.rate);
}

/** One request at `nowMs` (whole ms; fractions are dropped as nginx's clock has none). */
export function leakyBucketTake(
  state: LeakyBucketState | undefined,
  params: LeakyBucketParams,
  nowMs: number,
): LeakyBucketOutcome {
  const now = Math.floor(nowMs);
  if (state === undefined) {
    return { allowed: true, excess: 0, delayMs: 0, next: { excess: 0, last: now } };
  }
  const ms = elapsedMs(state, now);
  const excess = Math.max(state.excess - drained(params, ms) + ONE_REQUEST, 0);
  if (excess > params.burst) return { allowed: false, excess };
  return {
    allowed: true,
    excess,
    delayMs: leakyBucketDelayMs(params, excess),
    // Keeping `last` when ms == 0 lets several requests in one millisecond drain from the same point.
    next: { excess, last: ms !== 0 ? now : state.last },
  };
}

/**
 * Undo one counted request (lua-resty-limit-traffic req:uncommit): excess - 1000, never below 0.
 * Like uncommit it keeps the key: undoing a key's very first request (counted as excess 0) leaves a
 * key at excess 0, so the next request in the same millisecond is delayed as a second one would be.
 */
export function leakyBucketRollback(state: LeakyBucketState): LeakyBucketState {
  return { excess: Math.max(state.excess - ONE_REQUEST, 0), last: state.last };
}

/**
 * True when the state answers the next request exactly as no state would (excess 0, last = now):
 * excess + 1000 has drained. Forgetting such a key changes no decision.
 */
export function leakyBucketIsIdle(state: LeakyBucketState, params: LeakyBucketParams, nowMs: number): boolean {
  const ms = Math.floor(nowMs) - state.last;
  return ms > 0 && drained(params, ms) >= state.excess + ONE_REQUEST;
}

/** Milliseconds until a bucket at `excess` has drained `amount` milli-requests. */
function msToDrain(params: LeakyBucketParams, amount: number): number {
  return amount <= 0 ? 0 : Math.ceil((amount * 1000) / params.rate);
}

/**
 * RateLimit header numbers for an outcome. The quota is burst + 1 (what a drained bucket admits at
 * once); `remaining` is how many more would pass right now; the reset is when the bucket is drained
 * again. A rejected request may retry once the level is back down to the burst.
 */
export function leakyBucketDecision(params: LeakyBucketParams, outcome: LeakyBucketOutcome): LimitDecision {
  const limit = params.burst / ONE_REQUEST + 1;
  if (!outcome.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil(msToDrain(params, outcome.excess - params.burst) / 1000));
    return { allowed: false, retryAfterSeconds, limit, remaining: 0, resetSeconds: retryAfterSeconds };
  }
  return {
    allowed: true,
    delayMs: outcome.delayMs,
    limit,
    remaining: Math.max(0, Math.floor((params.burst - outcome.excess) / ONE_REQUEST)),
    resetSeconds: Math.ceil(msToDrain(params, outcome.excess + ONE_REQUEST) / 1000),
  };
}
