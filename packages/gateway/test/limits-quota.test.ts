// Quotas over fixed windows and Kong's sliding-window estimate; rejected requests are not counted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quotaDecision, quotaIsIdle, quotaRollback, quotaTake, quotaUsage } from '../src/limits/quota.js';
import { MemoryLimitStore } from '../src/limits/memory-store.js';
import type { LimitDecision, QuotaRule } from '../src/limits/types.js';

const HOUR = 3_600_000;
/** An hour boundary, so that window arithmetic in the tests is easy to follow. */
const T0 = 1_699_999_200_000;

const fixed: QuotaRule = { type: 'quota', id: 'fixed', limit: 3, windowMs: HOUR, sliding: false };
const sliding: QuotaRule = { type: 'quota', id: 'sliding', limit: 10, windowMs: HOUR, sliding: true };

function decide(store: MemoryLimitStore, rule: QuotaRule, at: number): LimitDecision {
  return (store.take(rule, 'user-1', T0 + at) as { decision: LimitDecision }).decision;
}

test('fixed window: limit requests per window, then rejection with Retry-After up to the window end', () => {
  assert.equal(T0 % HOUR, 0);
  const store = new MemoryLimitStore();
  assert.deepEqual(decide(store, fixed, 0), { allowed: true, delayMs: 0, limit: 3, remaining: 2, resetSeconds: 3600 });
  assert.deepEqual(decide(store, fixed, 1000), { allowed: true, delayMs: 0, limit: 3, remaining: 1, resetSeconds: 3599 });
  assert.deepEqual(decide(store, fixed, 1500), { allowed: true, delayMs: 0, limit: 3, remaining: 0, resetSeconds: 3599 });
  assert.deepEqual(decide(store, fixed, HOUR - 10_500), {
    allowed: false,
    retryAfterSeconds: 11,
    limit: 3,
    remaining: 0,
    resetSeconds: 11,
  });
  // The next window starts empty: three more pass, so the rejections were not counted.
  for (let i = 0; i < 3; i++) assert.equal(decide(store, fixed, HOUR + i).allowed, true);
  assert.equal(decide(store, fixed, HOUR + 3).allowed, false);
});

test("sliding window: Kong's estimate previous * (window - elapsed) / window + current", () => {
  assert.equal(quotaUsage(sliding, { windowStart: T0, current: 2, previous: 8 }, T0 + HOUR / 4), 8);
  const store = new MemoryLimitStore();
  for (let i = 0; i < 10; i++) assert.equal(decide(store, sliding, i).allowed, true);
  assert.equal(decide(store, sliding, 10).allowed, false);
  // A quarter into the next window the previous ten weigh 7.5: two more fit (8.5, 9.5), a third (10.5) does not.
  const quarter = HOUR + HOUR / 4;
  assert.deepEqual(decide(store, sliding, quarter), { allowed: true, delayMs: 0, limit: 10, remaining: 1, resetSeconds: 2700 });
  assert.deepEqual(decide(store, sliding, quarter), { allowed: true, delayMs: 0, limit: 10, remaining: 0, resetSeconds: 2700 });
  const rejected = decide(store, sliding, quarter);
  // One more fits once 10 * (1 - e) + 2 <= 9, i.e. at e = 0.3: 0.05 h = 180 s later.
  assert.deepEqual(rejected, { allowed: false, retryAfterSeconds: 180, limit: 10, remaining: 0, resetSeconds: 180 });
  assert.equal(decide(store, sliding, HOUR + 0.3 * HOUR - 1).allowed, false);
  assert.equal(decide(store, sliding, HOUR + 0.3 * HOUR).allowed, true);
});

test('sliding window: a full current window has to wait into the next one', () => {
  const outcome = quotaTake({ windowStart: T0, current: 10, previous: 0 }, sliding, T0 + HOUR / 2);
  assert.equal(outcome.allowed, false);
  // Half an hour to the window end, then 10 * (1 - e) <= 9 at e = 0.1: 6 more minutes.
  assert.deepEqual(quotaDecision(sliding, outcome), {
    allowed: false,
    retryAfterSeconds: 1800 + 360,
    limit: 10,
    remaining: 0,
    resetSeconds: 2160,
  });
});

test('rollback removes the request from the window it was counted in, also after the window moved on', () => {
  assert.deepEqual(quotaRollback({ windowStart: T0, current: 4, previous: 1 }, sliding, T0), {
    windowStart: T0,
    current: 3,
    previous: 1,
  });
  assert.deepEqual(quotaRollback({ windowStart: T0 + HOUR, current: 0, previous: 4 }, sliding, T0), {
    windowStart: T0 + HOUR,
    current: 0,
    previous: 3,
  });
  assert.deepEqual(quotaRollback({ windowStart: T0, current: 0, previous: 0 }, sliding, T0), {
    windowStart: T0,
    current: 0,
    previous: 0,
  });
});

test('a quota key is idle once its window (both windows when sliding) has passed', () => {
  const state = { windowStart: T0, current: 3, previous: 0 };
  assert.equal(quotaIsIdle(state, fixed, T0 + HOUR - 1), false);
  assert.equal(quotaIsIdle(state, fixed, T0 + HOUR), true);
  assert.equal(quotaIsIdle(state, sliding, T0 + HOUR), false);
  assert.equal(quotaIsIdle(state, sliding, T0 + 2 * HOUR), true);
});

test('a clock behind the one that counted stays in the later window instead of losing counts', () => {
  const outcome = quotaTake({ windowStart: T0 + HOUR, current: 3, previous: 0 }, fixed, T0 + HOUR - 5);
  assert.equal(outcome.allowed, false);
});
