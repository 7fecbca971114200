// Quotas: request counters over fixed windows aligned to the epoch (as Kong aligns them), optionally
// smoothed with Kong's sliding-window estimate
//   count = previous_window_count * (window - elapsed) / window + current_window_count
// where `elapsed` is the time since the current window started. A request passes when it still
// fits (count + 1 <= limit) and only then is counted: rejected requests use up nothing.

import type { LimitDecision, QuotaRule } from './types.js';

export interface QuotaState {
  /** Start (ms) of the window `current` counts. */
  windowStart: number;
  current: number;
  /** Count of the window just before `windowStart` (what the sliding estimate weighs). */
  previous: number;
}

export type QuotaOutcome =
  | { allowed: true; next: QuotaState; nowMs: number }
  | { allowed: false; state: QuotaState; nowMs: number };

function windowStartOf(rule: QuotaRule, nowMs: number): number {
  return nowMs - (nowMs % rule.windowMs);
}

/** The state as seen at `nowMs`: windows that ended moved into `previous` or dropped. */
export function quotaStateAt(state: QuotaState | undefined, rule: QuotaRule, nowMs: number): QuotaState {
  const start = windowStartOf(rule, nowMs);
  if (state === undefined) return { windowStart: start, current: 0, previous: 0 };
  if (state.windowStart === start) return state;
  if (state.windowStart === start - rule.windowMs) return { windowStart: start, current: 0, previous: state.current };
  // A clock behind the one that wrote the state: stay in the later window rather than lose counts.
  if (state.windowStart > start) return state;
  return { windowStart: start, current: 0, previous: 0 };
}

/** The count the limit is compared with: the current window's, or Kong's sliding estimate. */
export function quotaUsage(rule: QuotaRule, state: QuotaState, nowMs: number): number {
  if (!rule.sliding) return state.current;
  const elapsed = Math.min(Math.max(nowMs - state.windowStart, 0), rule.windowMs);
  return (state.previous * (rule.windowMs - elapsed)) / rule.windowMs + state.current;
}

export function quotaTake(state: QuotaState | undefined, rule: QuotaRule, nowMs: number): QuotaOutcome {
  const seen = quotaStateAt(state, rule, nowMs);
  if (quotaUsage(rule, seen, nowMs) + 1 > rule.limit) return { allowed: false, state: seen, nowMs };
  return { allowed: true, next: { ...seen, current: seen.current + 1 }, nowMs };
}

/** Undo one request counted in the window starting at `countedIn` (current, or previous if time moved on). */
export function quotaRollback(state: QuotaState, rule: QuotaRule, countedIn: number): QuotaState {
  if (state.windowStart === countedIn) return { ...state, current: Math.max(0, state.current - 1) };
  if (state.windowStart === countedIn + rule.windowMs) return { ...state, previous: Math.max(0, state.previous - 1) };
  return state;
}

/** True when the state no longer affects any decision: its windows (both, when sliding) have passed. */
export function quotaIsIdle(state: QuotaState, rule: QuotaRule, nowMs: number): boolean {
  const windowsThatMatter = rule.sliding ? 2 : 1;
  return nowMs >= state.windowStart + windowsThatMatter * rule.windowMs;
}

/** Milliseconds from `nowMs` until one more request fits. */
function quotaRetryMs(rule: QuotaRule, state: QuotaState, nowMs: number): number {
  const window = rule.windowMs;
  const untilWindowEnd = state.windowStart + window - nowMs;
  if (!rule.sliding) return untilWindowEnd;
  const room = rule.limit - 1;
  if (state.current <= room && state.previous > 0) {
    // Still in this window: wait until the previous window's weight has shrunk enough.
    const elapsed = nowMs - state.windowStart;
    return Math.max(0, window - elapsed - ((room - state.current) * window) / state.previous);
  }
  // In the next window this window's count becomes `previous` and has to shrink below the room.
  if (state.current <= 0 || room <= 0) return untilWindowEnd + window;
  return untilWindowEnd + Math.max(0, window * (1 - room / state.current));
}

/** RateLimit header numbers: quota `limit`, what is left of it, and seconds until the window ends. */
export function quotaDecision(rule: QuotaRule, outcome: QuotaOutcome): LimitDecision {
  const limit = rule.limit;
  if (!outcome.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil(quotaRetryMs(rule, outcome.state, outcome.nowMs) / 1000));
    return { allowed: false, retryAfterSeconds, limit, remaining: 0, resetSeconds: retryAfterSeconds };
  }
  const { next, nowMs } = outcome;
  return {
    allowed: true,
    delayMs: 0,
    limit,
    remaining: Math.max(0, Math.floor(limit - quotaUsage(rule, next, nowMs))),
    resetSeconds: Math.max(0, Math.ceil((next.windowStart + rule.windowMs - nowMs) / 1000)),
  };
}
