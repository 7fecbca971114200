// The store's onError policies against a redis-server of the test's own that is stopped, slowed
// down and restarted: local / allow / deny decisions, one log line per outage start and end, and
// shared limits again once Redis is back.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { isStoreUnavailable } from '../src/limits/redis-fallback.js';
import { RedisLimitStore, type RedisLimitStoreOptions } from '../src/limits/redis-store.js';
import type { ConcurrencyRule, RateRule } from '../src/limits/types.js';
import { PrivateRedis, RecordingLogger, waitFor } from './redis-support.js';

/** One request per second, no burst: the second request of a key within a second is rejected. */
const ONE_PER_SECOND: RateRule = { type: 'rate', id: 'solo', ratePerSecond: 1, burst: 0, delay: 'nodelay' };

describe('redis store when Redis goes away', () => {
  let redis: PrivateRedis;
  const stores: RedisLimitStore[] = [];

  async function openStore(options: Partial<RedisLimitStoreOptions>): Promise<{ store: RedisLimitStore; log: RecordingLogger }> {
    const log = new RecordingLogger();
    const store = new RedisLimitStore({ url: redis.url, keyPrefix: 'outage', logger: log, ...options });
    stores.push(store);
    assert.equal(await store.waitUntilReady(), true);
    return { store, log };
  }

  async function stopRedis(...affected: RedisLimitStore[]): Promise<void> {
    await redis.stop();
    await waitFor(() => affected.every((store) => !store.shared), 2000, 'stores to notice the outage');
  }

  async function restartRedis(...affected: RedisLimitStore[]): Promise<void> {
    await redis.restart();
    // ioredis reconnects by itself (backoff capped at 1 s).
    await waitFor(() => affected.every((store) => store.shared), 3000, 'stores to reconnect');
  }

  const levels = (log: RecordingLogger): string[] => log.lines.map((line) => line.level);

  before(async () => {
    redis = await PrivateRedis.start();
  });

  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await redis.dispose();
  });

  it('local: each gateway limits on its own during the outage, logs once, and shares again after', async () => {
    const a = await openStore({ onError: 'local' });
    const b = await openStore({ onError: 'local' });
    const allowed = async (store: RedisLimitStore, key: string): Promise<boolean> =>
      (await store.take(ONE_PER_SECOND, key, Date.now())).decision.allowed;

    assert.deepEqual([await allowed(a.store, 'before'), await allowed(b.store, 'before')], [true, false], 'shared');

    await stopRedis(a.store, b.store);
    // Per instance now: each gateway admits its own first request of a key and rejects the second.
    assert.deepEqual(
      [await allowed(a.store, 'during'), await allowed(a.store, 'during'), await allowed(b.store, 'during')],
      [true, false, true],
    );
    for (let i = 0; i < 50; i++) await a.store.take(ONE_PER_SECOND, `during-${i}`, Date.now());
    assert.deepEqual(levels(a.log), ['warn'], 'one line for the whole outage');
    assert.deepEqual(levels(b.log), ['warn']);
    assert.match(a.log.lines[0]?.message ?? '', /unavailable.*onError=local/);
    assert.deepEqual(Object.keys(a.log.lines[0]?.details ?? {}).sort(), ['err', 'onError', 'redis']);

    await restartRedis(a.store, b.store);
    assert.deepEqual(levels(a.log), ['warn', 'info'], 'one line for the recovery');
    assert.match(a.log.lines[1]?.message ?? '', /available again/);
    assert.deepEqual([await allowed(a.store, 'after'), await allowed(b.store, 'after')], [true, false], 'shared again');

    // A second outage is a new one: one more line.
    await stopRedis(a.store, b.store);
    await a.store.take(ONE_PER_SECOND, 'second', Date.now());
    await a.store.take(ONE_PER_SECOND, 'second', Date.now());
    assert.deepEqual(levels(a.log), ['warn', 'info', 'warn']);
    await restartRedis(a.store, b.store);
    assert.deepEqual(levels(a.log), ['warn', 'info', 'warn', 'info']);
  });

  it('allow: requests pass uncounted while Redis is down', async () => {
    const { store, log } = await openStore({ onError: 'allow' });
    await stopRedis(store);
    for (let i = 0; i < 5; i++) {
      const result = await store.take(ONE_PER_SECOND, 'allow', Date.now());
      assert.deepEqual(result.decision, { allowed: true, delayMs: 0, limit: 1, remaining: 1, resetSeconds: 0 });
      await result.ticket?.rollback();
      await result.ticket?.release();
    }
    assert.deepEqual(levels(log), ['warn']);
    await restartRedis(store);
    assert.equal((await store.take(ONE_PER_SECOND, 'allow', Date.now())).decision.allowed, true);
    assert.equal((await store.take(ONE_PER_SECOND, 'allow', Date.now())).decision.allowed, false, 'limited again');
  });

  it('deny: requests are refused as "store unavailable" (503), and releasing an earlier slot does not throw', async () => {
    const { store, log } = await openStore({ onError: 'deny', denyRetryAfterSeconds: 2 });
    const slots: ConcurrencyRule = { type: 'concurrency', id: 'deny-slots', max: 1, burst: 0 };
    const running = await store.take(slots, 'deny', Date.now());
    assert.equal(running.decision.allowed, true);
    await stopRedis(store);
    const refused = await store.take(ONE_PER_SECOND, 'deny', Date.now());
    assert.deepEqual(refused.decision, {
      allowed: false,
      retryAfterSeconds: 2,
      limit: 1,
      remaining: 0,
      resetSeconds: 2,
      storeUnavailable: true,
    });
    assert.equal(isStoreUnavailable(refused.decision), true);
    assert.equal(refused.ticket, undefined);
    // The slot cannot be given back now; its lease runs out in Redis instead (Redis restarts empty here).
    await running.ticket?.release();
    await restartRedis(store);
    assert.deepEqual(levels(log), ['warn', 'info']);
    const limited = await store.take(ONE_PER_SECOND, 'deny', Date.now());
    assert.equal(limited.decision.allowed, true);
    const overLimit = await store.take(ONE_PER_SECOND, 'deny', Date.now());
    assert.equal(overLimit.decision.allowed, false);
    assert.equal(isStoreUnavailable(overLimit.decision), false, 'an ordinary limit rejection (429)');
  });

  it('a slow Redis (over commandTimeoutMs) fails over within the timeout and recovers by itself', async () => {
    const { store, log } = await openStore({ onError: 'local', commandTimeoutMs: 50 });
    const admin = new Redis(redis.url);
    try {
      // Redis answers nothing for 400 ms; the connection stays up.
      await admin.client('PAUSE', 400, 'ALL');
      const started = performance.now();
      const slow = await store.take(ONE_PER_SECOND, 'slow', Date.now());
      const tookMs = performance.now() - started;
      assert.equal(slow.decision.allowed, true, 'decided by the local fallback');
      assert.ok(tookMs >= 45 && tookMs < 200, `took ${tookMs} ms`);
      assert.deepEqual(levels(log), ['warn']);
      assert.match(String((log.lines[0]?.details as { err?: unknown }).err), /timed out/i);
      // While paused, the connection is still "ready": more requests wait out the timeout each, logging nothing more.
      await store.take(ONE_PER_SECOND, 'slow-2', Date.now());
      assert.deepEqual(levels(log), ['warn']);

      await waitFor(
        async () => (await store.take(ONE_PER_SECOND, `probe-${Date.now()}`, Date.now())) && store.shared,
        2000,
        'Redis to answer again',
      );
      assert.deepEqual(levels(log), ['warn', 'info']);
      assert.equal(store.redis.status, 'ready', 'the connection was never dropped');
    } finally {
      admin.disconnect();
    }
  });
});
