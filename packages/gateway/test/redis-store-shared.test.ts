// Two RedisLimitStores on two connections, as two gateway instances would run them, share each
// limit through one Redis, on the Redis clock.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisLimitStore, type RedisLimitStoreOptions } from '../src/limits/redis-store.js';
import type { ConcurrencyRule, LimitResult, QuotaRule, RateRule } from '../src/limits/types.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from './redis-support.js';

describe('redis store shared by two gateways', () => {
  const prefix = uniquePrefix('shared');
  const stores: RedisLimitStore[] = [];
  let gatewayA: RedisLimitStore;
  let gatewayB: RedisLimitStore;

  // Sharing is under test here, not the command timeout (redis-store-outage.test.ts has that): a
  // generous one keeps a loaded machine from turning slow answers into 'store unavailable'.
  async function openStore(options: Partial<RedisLimitStoreOptions> = {}): Promise<RedisLimitStore> {
    const store = new RedisLimitStore({ url: TEST_REDIS_URL, keyPrefix: prefix, onError: 'deny', commandTimeoutMs: 2000, ...options });
    stores.push(store);
    assert.equal(await store.waitUntilReady(), true, 'test Redis reachable');
    return store;
  }

  before(async () => {
    gatewayA = await openStore();
    gatewayB = await openStore();
  });

  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await deleteKeys(TEST_REDIS_URL, prefix);
  });

  it('a simultaneous burst through both admits exactly burst + 1', async () => {
    // 1 r/s drains 1 milli-request per ms: the burst would have to last a second to earn one more.
    const rule: RateRule = { type: 'rate', id: 'burst', ratePerSecond: 1, burst: 9, delay: 'nodelay' };
    const takes = Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? gatewayA : gatewayB).take(rule, 'client', 0));
    const results = await Promise.all(takes);
    // Each gateway asked 60 times: separate buckets would have admitted 20.
    assert.equal(results.filter((result) => result.decision.allowed).length, 10);
    const rejected = results.find((result) => !result.decision.allowed);
    assert.deepEqual(rejected?.decision, { allowed: false, retryAfterSeconds: 1, limit: 10, remaining: 0, resetSeconds: 1 });
  });

  it('a plain burst is delayed in one queue across both gateways', async () => {
    const rule: RateRule = { type: 'rate', id: 'queue', ratePerSecond: 1, burst: 3, delay: 0 };
    const results: LimitResult[] = [];
    for (const store of [gatewayA, gatewayB, gatewayA, gatewayB, gatewayA]) results.push(await store.take(rule, 'client', 0));
    const delays = results.map(({ decision }) => (decision.allowed ? decision.delayMs : 'rejected'));
    // Each admitted request waits one period (1000 ms) more than the one before, minus the ms that
    // passed between the takes (1 milli-request drains per ms; a loaded machine may take a few hundred).
    assert.equal(delays[0], 0);
    for (const [i, delay] of delays.slice(1, 4).entries()) {
      assert.equal(typeof delay, 'number');
      assert.ok((delay as number) <= (i + 1) * 1000 && (delay as number) > (i + 1) * 1000 - 400, `delay ${i + 1}: ${delay}`);
    }
    assert.equal(delays[4], 'rejected');
  });

  it('concurrency slots are shared, released by either gateway, and never go negative', async () => {
    const rule: ConcurrencyRule = { type: 'concurrency', id: 'slots', max: 3, burst: 1 };
    const key = gatewayA.keyOf(rule, 'client');
    const fromA = [await gatewayA.take(rule, 'client', 0), await gatewayA.take(rule, 'client', 0)];
    const fromB = [
      await gatewayB.take(rule, 'client', 0),
      await gatewayB.take(rule, 'client', 0),
      await gatewayB.take(rule, 'client', 0),
    ];
    assert.deepEqual(
      [...fromA, ...fromB].map(({ decision }) => (decision.allowed ? decision.delayMs : 'rejected')),
      [0, 0, 0, 500, 'rejected'], // the fourth is queued (one unit delay), the fifth is beyond max + burst
    );
    assert.equal(await gatewayA.redis.zcard(key), 4);
    await Promise.all([...fromA, ...fromB].map((result) => result.ticket?.release()));
    await Promise.all([...fromA, ...fromB].map((result) => result.ticket?.release()));
    assert.equal(await gatewayA.redis.zcard(key), 0);
    const next = await gatewayB.take(rule, 'client', 0);
    assert.deepEqual(next.decision, { allowed: true, delayMs: 0, limit: 3, remaining: 2, resetSeconds: 0 });
    await next.ticket?.release();
    // The empty set is gone rather than left behind.
    assert.equal(await gatewayA.redis.exists(key), 0);
  });

  it("a crashed gateway's slots come back after one lease; a running request keeps renewing its own", async () => {
    const rule: ConcurrencyRule = { type: 'concurrency', id: 'lease', max: 2, burst: 0 };
    const key = gatewayA.keyOf(rule, 'client');
    const crashing = await openStore({ concurrencyLeaseMs: 300 });
    const longRunning = await openStore({ concurrencyLeaseMs: 300 });
    assert.equal((await crashing.take(rule, 'client', 0)).decision.allowed, true);
    const running = await longRunning.take(rule, 'client', 0);
    assert.equal(running.decision.allowed, true);
    // The crashing gateway goes away without releasing (close() stops renewals, like a crash would).
    await crashing.close();
    assert.equal((await gatewayA.take(rule, 'client', 0)).decision.allowed, false, 'both slots held');
    // Three leases later, the long request (renewed every 100 ms) is still there, the crashed one is not.
    await sleep(900);
    const after = await gatewayA.take(rule, 'client', 0);
    assert.deepEqual(after.decision, { allowed: true, delayMs: 0, limit: 2, remaining: 0, resetSeconds: 0 });
    await after.ticket?.release();
    await running.ticket?.release();
    assert.equal(await gatewayA.redis.exists(key), 0);
  });

  it('every key it writes carries a TTL, so idle keys disappear', async () => {
    const rate: RateRule = { type: 'rate', id: 'ttl-rate', ratePerSecond: 5, burst: 2, delay: 0 };
    const fixed: QuotaRule = { type: 'quota', id: 'ttl-fixed', limit: 5, windowMs: 60_000, sliding: false };
    const sliding: QuotaRule = { type: 'quota', id: 'ttl-sliding', limit: 5, windowMs: 60_000, sliding: true };
    const slots: ConcurrencyRule = { type: 'concurrency', id: 'ttl-slots', max: 2, burst: 0 };
    const ttl = async (rule: RateRule | QuotaRule | ConcurrencyRule): Promise<number> =>
      gatewayA.redis.pttl(gatewayA.keyOf(rule, 'idle'));
    // rate: (0 + 1000) milli-requests at 5000 per second drain in 200 ms (read at once: it runs out fast)
    await gatewayA.take(rate, 'idle', 0);
    const rateTtl = await ttl(rate);
    assert.ok(rateTtl > 0 && rateTtl <= 200, `rate TTL ${rateTtl}`);
    await gatewayA.take(fixed, 'idle', 0);
    await gatewayA.take(sliding, 'idle', 0);
    const held = await gatewayA.take(slots, 'idle', 0);
    // fixed: until the end of the current minute; sliding: one window more
    assert.ok((await ttl(fixed)) > 0 && (await ttl(fixed)) <= 60_000);
    assert.ok((await ttl(sliding)) > 60_000 && (await ttl(sliding)) <= 120_000);
    // concurrency: one lease (60 s by default)
    assert.ok((await ttl(slots)) > 55_000 && (await ttl(slots)) <= 60_000);
    await held.ticket?.release();
  });

  it('measures decisions per second of one store under concurrent load', async (t) => {
    const rule: RateRule = { type: 'rate', id: 'throughput', ratePerSecond: 1_000_000, burst: 1000, delay: 'nodelay' };
    // A generous timeout: this measures throughput, a loaded test machine must not turn it into denials.
    const store = await openStore({ commandTimeoutMs: 2000 });
    const workers = 32;
    const durationMs = 1000;
    const deadline = Date.now() + durationMs;
    let decisions = 0;
    let rejected = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        for (let i = 0; Date.now() < deadline; i++) {
          const result = await store.take(rule, `client-${worker}-${i % 50}`, 0);
          decisions++;
          if (!result.decision.allowed) rejected++;
        }
      }),
    );
    const perSecond = Math.round(decisions / ((performance.now() - started) / 1000));
    t.diagnostic(`redis store: ${perSecond} decisions/s with ${workers} concurrent callers on one connection`);
    assert.equal(rejected, 0);
    assert.ok(perSecond > 1000, `${perSecond} decisions/s`);
    assert.equal(store.shared, true, 'no command failed over');
  });
});
