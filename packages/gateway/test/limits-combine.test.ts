// Several limits on one request (limit.traffic.combine): a rejection by one undoes the others'
// counting; passes wait for the longest delay and report the most restrictive numbers; one ticket
// releases everything. Synchronous with the memory store, and the same through an async store.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { takeAll, type CombinedResult, type KeyedLimit } from '../src/limits/combine.js';
import { MemoryLimitStore } from '../src/limits/memory-store.js';
import type { ConcurrencyRule, LimitRule, LimitStore, QuotaRule, RateRule } from '../src/limits/types.js';

const T0 = 1_699_999_200_000;
const rate: RateRule = { type: 'rate', id: 'r', ratePerSecond: 10, burst: 5, delay: 0 };
const conn: ConcurrencyRule = { type: 'concurrency', id: 'c', max: 10, burst: 0 };
const quota: QuotaRule = { type: 'quota', id: 'q', limit: 2, windowMs: 3_600_000, sliding: false };

function limits(...rules: LimitRule[]): KeyedLimit[] {
  return rules.map((rule) => ({ rule, key: 'client' }));
}

function syncTakeAll(store: LimitStore, keyed: KeyedLimit[], now = T0): CombinedResult {
  const result = takeAll(store, keyed, now);
  assert.ok(!(result instanceof Promise), 'the memory store keeps takeAll synchronous');
  return result;
}

/** The memory store behind promises, as the Redis store answers. */
class AsyncStore implements LimitStore {
  readonly kind = 'redis' as const;
  failOn: string | undefined;
  constructor(readonly inner = new MemoryLimitStore()) {}
  async take(rule: LimitRule, key: string, nowMs: number) {
    await new Promise((resolve) => setImmediate(resolve));
    if (rule.id === this.failOn) throw new Error('store unreachable');
    const { decision, ticket } = this.inner.take(rule, key, nowMs);
    if (!ticket) return { decision };
    return {
      decision,
      ticket: { rollback: async () => ticket.rollback(), release: async () => ticket.release() },
    };
  }
  async close(): Promise<void> {}
}

test('a rejection by a later limit rolls back the earlier ones: a rejected request is counted nowhere', () => {
  const store = new MemoryLimitStore();
  const keyed = limits(rate, conn, quota);
  const first = syncTakeAll(store, keyed);
  const second = syncTakeAll(store, keyed);
  assert.ok(first.decision.allowed && second.decision.allowed);
  assert.equal(second.decision.delayMs, 100);
  // The quota (2 per hour) rejects from now on; rate and concurrency must not remember these requests.
  for (let i = 0; i < 10; i++) {
    const rejected = syncTakeAll(store, keyed);
    assert.equal(rejected.decision.allowed, false);
    assert.equal(rejected.rule, quota);
    assert.equal(rejected.ticket, undefined);
  }
  assert.equal(store.inFlight(conn, 'client'), 2);
  // The rate limit saw exactly two requests: a third now is delayed by 200 ms, not by more or rejected.
  const rateOnly = syncTakeAll(store, limits(rate));
  assert.ok(rateOnly.decision.allowed);
  assert.equal(rateOnly.decision.delayMs, 200);
});

test('a rejection by the first limit counts nothing in the later ones', () => {
  const store = new MemoryLimitStore();
  const tight: RateRule = { ...rate, id: 'tight', burst: 0 };
  assert.equal(syncTakeAll(store, limits(tight, conn)).decision.allowed, true);
  const rejected = syncTakeAll(store, limits(tight, conn));
  assert.equal(rejected.decision.allowed, false);
  assert.equal(rejected.rule, tight);
  assert.equal(store.inFlight(conn, 'client'), 1);
});

test('passes wait for the longest delay and show the most restrictive numbers; one ticket releases all', () => {
  const store = new MemoryLimitStore({ concurrencyUnitDelayMs: 50 });
  const queued: ConcurrencyRule = { type: 'concurrency', id: 'queued', max: 1, burst: 5 };
  const roomy: QuotaRule = { ...quota, id: 'roomy', limit: 100 };
  const keyed = limits(queued, rate, roomy);
  const a = syncTakeAll(store, keyed);
  // The concurrency limit has fewer left but announces no policy: the rate limit is shown.
  assert.equal(a.rule, rate);
  assert.ok(a.decision.allowed);
  assert.equal(a.decision.limit, rate.burst + 1);
  const b = syncTakeAll(store, keyed);
  // concurrency: 2 in flight, 50 ms; rate: excess 1000, 100 ms -> the longest wins.
  assert.ok(b.decision.allowed);
  assert.equal(b.decision.delayMs, 100);
  assert.equal(store.inFlight(queued, 'client'), 2);
  a.ticket!.release();
  b.ticket!.release();
  b.ticket!.release();
  assert.equal(store.inFlight(queued, 'client'), 0);
  assert.equal(store.totalInFlight, 0);
});

test('concurrency limits alone: their numbers are shown, and the ticket releases them', () => {
  const store = new MemoryLimitStore();
  const other: ConcurrencyRule = { ...conn, id: 'other', max: 3 };
  const result = syncTakeAll(store, limits(conn, other));
  assert.equal(result.rule, conn);
  assert.equal(store.inFlight(conn, 'client'), 1);
  result.ticket!.release();
  assert.equal(store.totalInFlight, 0);
});

test('no limits: allowed at once, with a ticket that does nothing', () => {
  const result = syncTakeAll(new MemoryLimitStore(), []);
  assert.equal(result.rule, undefined);
  assert.deepEqual(result.decision, { allowed: true, delayMs: 0, limit: 0, remaining: 0, resetSeconds: 0 });
  result.ticket!.release();
});

test('an async store gives the same decisions, and rollbacks complete before the rejection is answered', async () => {
  const store = new AsyncStore();
  const keyed = limits(rate, conn, quota);
  const results: CombinedResult[] = [];
  for (let i = 0; i < 4; i++) results.push(await takeAll(store, keyed, T0));
  assert.deepEqual(
    results.map((r) => r.decision.allowed),
    [true, true, false, false],
  );
  assert.equal(store.inner.inFlight(conn, 'client'), 2);
  await results[0]!.ticket!.release();
  await results[1]!.ticket!.release();
  assert.equal(store.inner.totalInFlight, 0);
});

test('a store failure midway rolls back what was counted and is rethrown', async () => {
  const store = new AsyncStore();
  store.failOn = quota.id;
  await assert.rejects(Promise.resolve(takeAll(store, limits(conn, rate, quota), T0)), /store unreachable/);
  assert.equal(store.inner.inFlight(conn, 'client'), 0);
  // The rate limit was rolled back too: its level is back to 0 (had the request stayed counted, the
  // next two would wait 200 and 300 ms). As with uncommit the key stays, so they wait 100 and 200 ms.
  store.failOn = undefined;
  const first = await takeAll(store, limits(rate), T0);
  const second = await takeAll(store, limits(rate), T0);
  assert.ok(first.decision.allowed && second.decision.allowed);
  assert.deepEqual([first.decision.delayMs, second.decision.delayMs], [100, 200]);
});
