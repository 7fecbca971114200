// Differential tests: the Redis store's Lua scripts against the reference algorithms
// (leaky-bucket.ts, concurrency.ts, quota.ts) on the same arrival times. The store runs with the
// caller's clock so that both sides see identical times; the tests also compare the state the
// scripts leave in Redis with the reference state.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { concurrencyDecision, concurrencyTake, DEFAULT_CONCURRENCY_UNIT_DELAY_MS } from '../src/limits/concurrency.js';
import {
  leakyBucketDecision,
  leakyBucketParams,
  leakyBucketRollback,
  leakyBucketTake,
  type LeakyBucketState,
} from '../src/limits/leaky-bucket.js';
import { quotaDecision, quotaRollback, quotaTake, type QuotaState } from '../src/limits/quota.js';
import { RedisLimitStore } from '../src/limits/redis-store.js';
import type { ConcurrencyRule, LimitTicket, QuotaRule, RateRule } from '../src/limits/types.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from './redis-support.js';

/** mulberry32: a small seeded generator, so a failing sequence can be replayed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Arrival times around a rate's period (ms per request): bursts in one millisecond, faster and
 * slower trickles, idle gaps, and the odd step back of the clock (small, and more than a minute,
 * which nginx treats specially).
 */
function arrivals(seed: number, count: number, periodMs: number): number[] {
  const random = seededRandom(seed);
  const times: number[] = [];
  let now = 1_700_000_000_000;
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.3) now += 0;
    else if (r < 0.65) now += Math.floor(random() * periodMs * 0.8);
    else if (r < 0.9) now += Math.floor(random() * periodMs * 3);
    else if (r < 0.97) now += Math.floor(random() * periodMs * 30);
    else if (r < 0.985) now -= Math.floor(random() * 20);
    else now -= 61_000 + Math.floor(random() * 1000);
    times.push(now);
  }
  return times;
}

const RATE_RULES: RateRule[] = [
  { type: 'rate', id: 'plain', ratePerSecond: 10, burst: 5, delay: 0 },
  { type: 'rate', id: 'nodelay', ratePerSecond: 10, burst: 5, delay: 'nodelay' },
  { type: 'rate', id: 'delay3', ratePerSecond: 10, burst: 10, delay: 3 },
  { type: 'rate', id: 'per-minute', ratePerSecond: 7 / 60, burst: 2, delay: 1 },
  { type: 'rate', id: 'fast', ratePerSecond: 200, burst: 20, delay: 0 },
  { type: 'rate', id: 'no-burst', ratePerSecond: 1, burst: 0, delay: 0 },
];

describe('redis store against the reference algorithms', () => {
  const prefix = uniquePrefix('reference');
  let store: RedisLimitStore;

  before(async () => {
    // onError deny: a Redis problem shows up as a mismatch instead of being hidden by a fallback.
    store = new RedisLimitStore({
      url: TEST_REDIS_URL,
      keyPrefix: prefix,
      onError: 'deny',
      useCallerClock: true,
      commandTimeoutMs: 1000,
    });
    assert.equal(await store.waitUntilReady(), true, 'test Redis reachable');
  });

  after(async () => {
    await store.close();
    await deleteKeys(TEST_REDIS_URL, prefix);
  });

  for (const [index, rule] of RATE_RULES.entries()) {
    it(`rate ${rule.id}: same decisions and state as leaky-bucket.ts over 400 arrivals`, async () => {
      const params = leakyBucketParams(rule);
      const random = seededRandom(1000 + index);
      let state: LeakyBucketState | undefined;
      let admitted = 0;
      let rejected = 0;
      let delayed = 0;
      for (const [i, now] of arrivals(index + 1, 400, 1000 / rule.ratePerSecond).entries()) {
        const expected = leakyBucketTake(state, params, now);
        const result = await store.take(rule, 'client', now);
        assert.deepEqual(result.decision, leakyBucketDecision(params, expected), `arrival ${i} at ${now}`);
        if (!expected.allowed) {
          rejected++;
          assert.equal(result.ticket, undefined);
          continue;
        }
        admitted++;
        if (expected.delayMs > 0) delayed++;
        state = expected.next;
        // Now and then a later limit of the same request rejects it: undo on both sides.
        if (random() < 0.1) {
          await result.ticket?.rollback();
          await result.ticket?.rollback(); // idempotent
          state = leakyBucketRollback(state);
        }
        const stored = await store.redis.hmget(store.keyOf(rule, 'client'), 'e', 'l');
        assert.deepEqual(stored.map(Number), [state.excess, state.last], `state after arrival ${i}`);
      }
      // The sequence exercised every branch.
      assert.ok(admitted > 20 && rejected > 20, `admitted ${admitted}, rejected ${rejected}`);
      // Only a burst beyond the undelayed part can be delayed.
      if (rule.delay !== 'nodelay' && rule.burst > rule.delay) assert.ok(delayed > 5, `delayed ${delayed}`);
    });
  }

  it('rate: the worked example of the standard (10 r/s, burst 5, 30 simultaneous requests)', async () => {
    const plain: RateRule = { type: 'rate', id: 'worked-plain', ratePerSecond: 10, burst: 5, delay: 0 };
    const nodelay: RateRule = { ...plain, id: 'worked-nodelay', delay: 'nodelay' };
    const now = 1_700_000_000_000;
    const outcome = async (rule: RateRule): Promise<string[]> => {
      const results = await Promise.all(Array.from({ length: 30 }, () => store.take(rule, 'client', now)));
      return results.map(({ decision }) => (decision.allowed ? String(decision.delayMs) : 'rejected'));
    };
    const rejected = Array.from({ length: 24 }, () => 'rejected');
    assert.deepEqual(await outcome(plain), ['0', '100', '200', '300', '400', '500', ...rejected]);
    assert.deepEqual(await outcome(nodelay), ['0', '0', '0', '0', '0', '0', ...rejected]);
  });

  it('rate: keys expire once the bucket has drained (TTL covers excess + one request)', async () => {
    const rule: RateRule = { type: 'rate', id: 'ttl', ratePerSecond: 10, burst: 5, delay: 0 };
    const ttlStore = new RedisLimitStore({ url: TEST_REDIS_URL, keyPrefix: prefix, onError: 'deny' });
    try {
      await ttlStore.waitUntilReady();
      for (let i = 0; i < 3; i++) await ttlStore.take(rule, 'ttl-client', 0);
      // Three requests within a few ms: excess is close to 2000, drained with one more request in ~300 ms.
      const ttl = await ttlStore.redis.pttl(ttlStore.keyOf(rule, 'ttl-client'));
      assert.ok(ttl > 250 && ttl <= 300, `pttl ${ttl}`);
    } finally {
      await ttlStore.close();
    }
  });

  it('concurrency: same decisions as concurrency.ts over random starts and ends; slots never go negative', async () => {
    const rule: ConcurrencyRule = { type: 'concurrency', id: 'conn', max: 3, burst: 2 };
    const random = seededRandom(7);
    const running: LimitTicket[] = [];
    let inFlight = 0;
    let rejected = 0;
    let now = 1_700_000_000_000;
    for (let i = 0; i < 300; i++) {
      now += Math.floor(random() * 10);
      if (running.length > 0 && random() < 0.45) {
        const [ticket] = running.splice(Math.floor(random() * running.length), 1);
        await ticket?.release();
        await ticket?.release(); // a second release (error path after finish) changes nothing
        inFlight = Math.max(0, inFlight - 1);
        continue;
      }
      const expected = concurrencyTake(inFlight, rule, DEFAULT_CONCURRENCY_UNIT_DELAY_MS);
      const result = await store.take(rule, 'client', now);
      assert.deepEqual(
        result.decision,
        concurrencyDecision(rule, expected, DEFAULT_CONCURRENCY_UNIT_DELAY_MS),
        `step ${i}`,
      );
      if (expected.allowed) {
        inFlight = expected.inFlight;
        assert.ok(result.ticket);
        running.push(result.ticket);
      } else {
        rejected++;
      }
      assert.equal(await store.redis.zcard(store.keyOf(rule, 'client')), inFlight, `slots after step ${i}`);
    }
    assert.ok(rejected > 5, `rejected ${rejected}`);
    for (const ticket of running) await ticket.release();
    assert.equal(await store.redis.zcard(store.keyOf(rule, 'client')), 0);
    // Releases after the set is empty do not bank slots: the next request sees exactly one in flight.
    for (const ticket of running) await ticket.release();
    const next = await store.take(rule, 'client', now);
    assert.deepEqual(next.decision, { allowed: true, delayMs: 0, limit: 3, remaining: 2, resetSeconds: 0 });
    await next.ticket?.release();
  });

  for (const sliding of [false, true]) {
    it(`quota ${sliding ? 'sliding' : 'fixed'}: same decisions and state as quota.ts`, async () => {
      const rule: QuotaRule = { type: 'quota', id: `quota-${sliding}`, limit: 20, windowMs: 1000, sliding };
      const random = seededRandom(sliding ? 11 : 12);
      let state: QuotaState | undefined;
      let now = 1_700_000_000_000;
      let admitted = 0;
      let rejected = 0;
      for (let i = 0; i < 500; i++) {
        now += Math.floor(random() * (random() < 0.95 ? 30 : 1500));
        const expected = quotaTake(state, rule, now);
        const result = await store.take(rule, 'client', now);
        assert.deepEqual(result.decision, quotaDecision(rule, expected), `arrival ${i} at ${now}`);
        if (!expected.allowed) {
          rejected++;
          continue;
        }
        admitted++;
        state = expected.next;
        if (random() < 0.1) {
          await result.ticket?.rollback();
          state = quotaRollback(state, rule, state.windowStart);
        }
        const stored = await store.redis.hmget(store.keyOf(rule, 'client'), 'w', 'c', 'p');
        assert.deepEqual(stored.map(Number), [state.windowStart, state.current, state.previous], `state after ${i}`);
      }
      assert.ok(admitted > 100 && rejected > 20, `admitted ${admitted}, rejected ${rejected}`);
    });
  }

  it('quota: a rollback after the window moved on uncounts the previous window', async () => {
    const rule: QuotaRule = { type: 'quota', id: 'quota-late-rollback', limit: 3, windowMs: 1000, sliding: true };
    const t0 = 1_700_000_000_000;
    const key = store.keyOf(rule, 'client');
    const first = await store.take(rule, 'client', t0);
    await store.take(rule, 'client', t0 + 1);
    // Next window: the two earlier requests still weigh 2 * (1000 - 0) / 1000 = 2, one more fits.
    assert.equal((await store.take(rule, 'client', t0 + 1000)).decision.allowed, true);
    assert.deepEqual((await store.redis.hmget(key, 'w', 'c', 'p')).map(Number), [t0 + 1000, 1, 2]);
    await first.ticket?.rollback();
    assert.deepEqual((await store.redis.hmget(key, 'w', 'c', 'p')).map(Number), [t0 + 1000, 1, 1]);
    const next = await store.take(rule, 'client', t0 + 1000);
    assert.deepEqual(next.decision, { allowed: true, delayMs: 0, limit: 3, remaining: 0, resetSeconds: 1 });
  });
});
