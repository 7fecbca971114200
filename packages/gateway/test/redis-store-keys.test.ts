// Redis keys carry the limit's type and a hash of its parameters, so a reload that changes them
// never meets the old key's data type; and a concurrency slot taken by a script whose answer
// timed out on the client is given back.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { isStoreUnavailable } from '../src/limits/redis-fallback.js';
import { RedisLimitStore } from '../src/limits/redis-store.js';
import type { ConcurrencyRule, QuotaRule, RateRule } from '../src/limits/types.js';
import { deleteKeys, PrivateRedis, TEST_REDIS_URL, uniquePrefix } from './redis-support.js';

describe('redis keys across reloads', () => {
  const prefix = uniquePrefix('keys');
  let store: RedisLimitStore;

  before(async () => {
    store = new RedisLimitStore({ url: TEST_REDIS_URL, keyPrefix: prefix, onError: 'deny' });
    assert.equal(await store.waitUntilReady(), true, 'test Redis reachable');
  });
  after(async () => {
    await store.close();
    await deleteKeys(TEST_REDIS_URL, prefix);
  });

  it('a limit whose type changes under the same id starts on a fresh key (no WRONGTYPE)', async () => {
    const rate: RateRule = { type: 'rate', id: '/api/#0', ratePerSecond: 10, burst: 0, delay: 'nodelay' };
    const concurrency: ConcurrencyRule = { type: 'concurrency', id: '/api/#0', max: 2, burst: 0 };
    const quota: QuotaRule = { type: 'quota', id: '/api/#0', limit: 5, windowMs: 60_000, sliding: false };
    for (const rule of [rate, concurrency, quota]) {
      const { decision, ticket } = await store.take(rule, 'client', Date.now());
      assert.equal(isStoreUnavailable(decision), false, rule.type);
      assert.equal(decision.allowed, true, rule.type);
      await ticket?.release();
    }
    assert.notEqual(store.keyOf(rate, 'client'), store.keyOf(concurrency, 'client'));
    assert.match(store.keyOf(rate, 'client'), /^test:redis-store:keys:.+:\/api\/#0:rate:[\w-]{8}:client$/);
  });

  it('changed parameters under the same id use another key', () => {
    const before: RateRule = { type: 'rate', id: '/api/#0', ratePerSecond: 10, burst: 0, delay: 'nodelay' };
    assert.notEqual(store.keyOf(before, 'k'), store.keyOf({ ...before, burst: 5 }, 'k'));
    assert.equal(store.keyOf(before, 'k'), store.keyOf({ ...before }, 'k'));
  });
});

describe('a concurrency acquire that times out on the client', () => {
  let redis: PrivateRedis;
  let store: RedisLimitStore;
  let admin: Redis;

  before(async () => {
    redis = await PrivateRedis.start();
    store = new RedisLimitStore({ url: redis.url, keyPrefix: 'timeout', onError: 'allow', commandTimeoutMs: 30 });
    assert.equal(await store.waitUntilReady(), true);
    admin = new Redis(redis.url);
  });
  after(async () => {
    await store.close();
    admin.disconnect();
    await redis.dispose();
  });

  it('gives back the slot its script took after the client stopped waiting', async () => {
    const rule: ConcurrencyRule = { type: 'concurrency', id: 'slow', max: 5, burst: 0 };
    // Load the script first, so the paused call is one EVALSHA.
    await (await store.take(rule, 'warm', Date.now())).ticket?.release();
    // Write commands and scripts wait while Redis is paused: the client times out, the script runs later.
    await admin.call('CLIENT', 'PAUSE', '200', 'WRITE');
    const { decision } = await store.take(rule, 'client', Date.now());
    assert.equal(decision.allowed, true, 'onError allow');
    const key = store.keyOf(rule, 'client');
    // Once the pause ends, the script and then the release run, in that order, on one connection.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(await admin.zcard(key), 0);
  });
});
