// The nginx limit_req leaky bucket: the worked example of the shared standards (recorded from
// nginx 1.22), nginx's integer units and clock edge cases, and the RateLimit header numbers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  leakyBucketDecision,
  leakyBucketIsIdle,
  leakyBucketParams,
  leakyBucketRollback,
  leakyBucketTake,
  type LeakyBucketOutcome,
  type LeakyBucketState,
} from '../src/limits/leaky-bucket.js';
import { MemoryLimitStore } from '../src/limits/memory-store.js';
import type { LimitDecision, RateRule } from '../src/limits/types.js';

const T0 = 1_700_000_000_000;

function rateRule(delay: RateRule['delay'], ratePerSecond = 10, burst = 5): RateRule {
  return { type: 'rate', id: `rate-${String(delay)}-${ratePerSecond}-${burst}`, ratePerSecond, burst, delay };
}

/** Sends `count` requests at the same millisecond through a fresh memory store; returns each decision. */
function simultaneous(rule: RateRule, count: number): LimitDecision[] {
  const store = new MemoryLimitStore();
  return Array.from({ length: count }, () => (store.take(rule, '203.0.113.7', T0) as { decision: LimitDecision }).decision);
}

function summarize(decisions: LimitDecision[]): { atOnce: number; delays: number[]; rejected: number } {
  const admitted = decisions.filter((d): d is Extract<LimitDecision, { allowed: true }> => d.allowed);
  return {
    atOnce: admitted.filter((d) => d.delayMs === 0).length,
    delays: admitted.filter((d) => d.delayMs > 0).map((d) => d.delayMs),
    rejected: decisions.length - admitted.length,
  };
}

test('standards worked example: 30 simultaneous at 10 r/s burst 5 -> 1 at once, 5 delayed 100..500 ms, 24 rejected', () => {
  assert.deepEqual(summarize(simultaneous(rateRule(0), 30)), {
    atOnce: 1,
    delays: [100, 200, 300, 400, 500],
    rejected: 24,
  });
});

test('standards worked example with nodelay: the same six pass at once, 24 rejected', () => {
  assert.deepEqual(summarize(simultaneous(rateRule('nodelay'), 30)), { atOnce: 6, delays: [], rejected: 24 });
});

test('delay=2 lets the first two excess requests through at once and delays the rest by (excess - 2) / rate', () => {
  assert.deepEqual(summarize(simultaneous(rateRule(2), 30)), { atOnce: 3, delays: [100, 200, 300], rejected: 24 });
});

test('burst 0 admits one request per 1/rate and rejects the rest', () => {
  assert.deepEqual(summarize(simultaneous(rateRule(0, 10, 0), 3)), { atOnce: 1, delays: [], rejected: 2 });
});

test('rates are integers in milli-requests per second, truncated like nginx parses "N r/m"', () => {
  assert.equal(leakyBucketParams(rateRule(0, 10)).rate, 10000);
  assert.equal(leakyBucketParams(rateRule(0, 600 / 60)).rate, 10000);
  assert.equal(leakyBucketParams(rateRule(0, 100 / 60)).rate, 1666);
  assert.equal(leakyBucketParams(rateRule(0, 1 / 60)).rate, 16);
  assert.equal(leakyBucketParams(rateRule(0, 7 / 60)).rate, 116);
  assert.deepEqual(leakyBucketParams(rateRule(2, 10, 5)), { rate: 10000, burst: 5000, delay: 2000 });
  assert.equal(leakyBucketParams(rateRule('nodelay')).delay, Number.MAX_SAFE_INTEGER);
});

test('a first request passes with excess 0; the drained amount is truncated to whole milli-requests', () => {
  const params = leakyBucketParams(rateRule(0, 100 / 60, 3));
  const first = leakyBucketTake(undefined, params, T0);
  assert.deepEqual(first, { allowed: true, excess: 0, delayMs: 0, next: { excess: 0, last: T0 } });
  // 1666 * 7 / 1000 = 11.662 -> 11 drained; 0 - 11 + 1000 = 989; delay 989 * 1000 / 1666 = 593.6 -> 593 ms.
  const second = leakyBucketTake({ excess: 0, last: T0 }, params, T0 + 7);
  assert.deepEqual(second, { allowed: true, excess: 989, delayMs: 593, next: { excess: 989, last: T0 + 7 } });
});

test('several requests in one millisecond keep `last`, as nginx only moves it when time has passed', () => {
  const params = leakyBucketParams(rateRule(0));
  const state: LeakyBucketState = { excess: 1000, last: T0 };
  const same = leakyBucketTake(state, params, T0);
  assert.ok(same.allowed);
  assert.deepEqual(same.next, { excess: 2000, last: T0 });
  // Fractions of a millisecond are dropped (nginx's clock has none).
  const fraction = leakyBucketTake(state, params, T0 + 0.9);
  assert.ok(fraction.allowed);
  assert.deepEqual(fraction.next, { excess: 2000, last: T0 });
});

test('a clock that steps back counts as 0 ms, more than a minute back as 1 ms (nginx)', () => {
  const params = leakyBucketParams(rateRule(0));
  const state: LeakyBucketState = { excess: 3000, last: T0 };
  const smallStep = leakyBucketTake(state, params, T0 - 500);
  assert.ok(smallStep.allowed);
  assert.deepEqual(smallStep.next, { excess: 4000, last: T0 });
  const largeStep = leakyBucketTake(state, params, T0 - 120_000);
  assert.ok(largeStep.allowed);
  // 1 ms at 10 r/s drains 10 milli-requests; `last` moves to the new (earlier) clock.
  assert.deepEqual(largeStep.next, { excess: 3990, last: T0 - 120_000 });
});

test('a rejection reports the level it would have reached and leaves the state alone', () => {
  const params = leakyBucketParams(rateRule(0));
  const full: LeakyBucketState = { excess: 5000, last: T0 };
  assert.deepEqual(leakyBucketTake(full, params, T0 + 50), { allowed: false, excess: 5500 });
  // At 100 ms, 1000 has drained: exactly at the burst, which passes (reject only when excess > burst).
  const atBurst = leakyBucketTake(full, params, T0 + 100);
  assert.deepEqual(atBurst, { allowed: true, excess: 5000, delayMs: 500, next: { excess: 5000, last: T0 + 100 } });
});

test('rollback removes one request (lua-resty req:uncommit), never below zero', () => {
  assert.deepEqual(leakyBucketRollback({ excess: 2500, last: T0 }), { excess: 1500, last: T0 });
  assert.deepEqual(leakyBucketRollback({ excess: 400, last: T0 }), { excess: 0, last: T0 });
});

test('rolling back the request that created a key keeps the key at excess 0, as uncommit does', () => {
  const params = leakyBucketParams(rateRule(0));
  const created = leakyBucketTake(undefined, params, T0);
  assert.ok(created.allowed);
  const undone = leakyBucketRollback(created.next);
  assert.deepEqual(undone, { excess: 0, last: T0 });
  const next = leakyBucketTake(undone, params, T0);
  assert.ok(next.allowed);
  assert.equal(next.delayMs, 100);
});

test('a key is idle once excess + 1000 has drained: then it decides like a new key', () => {
  const params = leakyBucketParams(rateRule(0));
  const state: LeakyBucketState = { excess: 2000, last: T0 };
  assert.equal(leakyBucketIsIdle(state, params, T0 + 299), false);
  assert.equal(leakyBucketIsIdle(state, params, T0 + 300), true);
  const idleAnswer = leakyBucketTake(state, params, T0 + 300);
  const newKeyAnswer = leakyBucketTake(undefined, params, T0 + 300);
  assert.deepEqual(idleAnswer, newKeyAnswer);
  // One millisecond earlier the state still matters.
  assert.notDeepEqual(leakyBucketTake(state, params, T0 + 299), leakyBucketTake(undefined, params, T0 + 299));
});

test('header numbers: quota burst + 1, what passes right now, reset when drained; Retry-After when the level is back to the burst', () => {
  const params = leakyBucketParams(rateRule(0));
  const passed: LeakyBucketOutcome = { allowed: true, excess: 3000, delayMs: 300, next: { excess: 3000, last: T0 } };
  assert.deepEqual(leakyBucketDecision(params, passed), {
    allowed: true,
    delayMs: 300,
    limit: 6,
    remaining: 2,
    resetSeconds: 1, // (3000 + 1000) drains in 400 ms
  });
  const first: LeakyBucketOutcome = { allowed: true, excess: 0, delayMs: 0, next: { excess: 0, last: T0 } };
  assert.deepEqual(leakyBucketDecision(params, first), { allowed: true, delayMs: 0, limit: 6, remaining: 5, resetSeconds: 1 });
  // 1 r/m: a level 500 above the burst drains in 500 * 1000 / 16 = 31250 ms -> 32 s.
  const slow = leakyBucketParams(rateRule(0, 1 / 60, 2));
  assert.deepEqual(leakyBucketDecision(slow, { allowed: false, excess: 2500 }), {
    allowed: false,
    retryAfterSeconds: 32,
    limit: 3,
    remaining: 0,
    resetSeconds: 32,
  });
  // A rejection never asks for less than one second.
  assert.deepEqual(leakyBucketDecision(params, { allowed: false, excess: 5010 }), {
    allowed: false,
    retryAfterSeconds: 1,
    limit: 6,
    remaining: 0,
    resetSeconds: 1,
  });
});

test('memory store: a rejected request is not counted', () => {
  const store = new MemoryLimitStore();
  const rule = rateRule('nodelay', 10, 1);
  const take = (at: number): boolean => (store.take(rule, 'k', T0 + at) as { decision: LimitDecision }).decision.allowed;
  assert.equal(take(0), true); // excess 0
  assert.equal(take(0), true); // excess 1000
  for (let i = 0; i < 20; i++) assert.equal(take(0), false); // each would be 2000
  // Had the rejections been counted, the bucket would be far from draining; 100 ms frees one slot.
  assert.equal(take(100), true);
  assert.equal(take(100), false);
});
