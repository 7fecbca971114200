// limit_conn / lua-resty limit.conn: admit, queue (delay) and reject bands, and counters that never
// leak: release on every way out (errors, aborted clients, timeouts), once per ticket.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concurrencyDecision, concurrencyRelease, concurrencyTake } from '../src/limits/concurrency.js';
import { MemoryLimitStore } from '../src/limits/memory-store.js';
import type { ConcurrencyRule, LimitResult } from '../src/limits/types.js';

const rule: ConcurrencyRule = { type: 'concurrency', id: 'conn', max: 2, burst: 3 };
const T0 = 1_700_000_000_000;

test('up to max pass at once, up to burst more are delayed by unit * floor((conn - 1) / max), beyond is rejected', () => {
  const unit = 200;
  const outcomes = [0, 1, 2, 3, 4, 5].map((inFlight) => concurrencyTake(inFlight, rule, unit));
  assert.deepEqual(outcomes, [
    { allowed: true, inFlight: 1, delayMs: 0 },
    { allowed: true, inFlight: 2, delayMs: 0 },
    { allowed: true, inFlight: 3, delayMs: 200 },
    { allowed: true, inFlight: 4, delayMs: 200 },
    { allowed: true, inFlight: 5, delayMs: 400 },
    { allowed: false, inFlight: 5 },
  ]);
  assert.deepEqual(concurrencyDecision(rule, outcomes[5]!, unit), {
    allowed: false,
    retryAfterSeconds: 1,
    limit: 2,
    remaining: 0,
    resetSeconds: 1,
  });
  assert.deepEqual(concurrencyDecision(rule, outcomes[0]!, unit), {
    allowed: true,
    delayMs: 0,
    limit: 2,
    remaining: 1,
    resetSeconds: 0,
  });
});

test('release decrements and never goes below zero', () => {
  assert.equal(concurrencyRelease(3), 2);
  assert.equal(concurrencyRelease(0), 0);
});

function take(store: MemoryLimitStore, key = 'client'): LimitResult {
  return store.take(rule, key, T0) as LimitResult;
}

test('memory store: counts in flight per key; the store unit delay applies to queued requests', () => {
  const store = new MemoryLimitStore({ concurrencyUnitDelayMs: 250 });
  const results = Array.from({ length: 6 }, () => take(store));
  assert.deepEqual(
    results.map((r) => (r.decision.allowed ? r.decision.delayMs : 'rejected')),
    [0, 0, 250, 250, 500, 'rejected'],
  );
  assert.equal(store.inFlight(rule, 'client'), 5);
  assert.equal(store.inFlight(rule, 'other'), 0);
  assert.equal(take(store, 'other').decision.allowed, true, 'keys are independent');
  assert.equal(store.totalInFlight, 6);
});

test('memory store: release and rollback of one ticket count once, whatever the order and how often', async () => {
  const store = new MemoryLimitStore();
  const a = take(store).ticket!;
  const b = take(store).ticket!;
  assert.equal(store.inFlight(rule, 'client'), 2);
  await a.release();
  await a.release();
  await a.rollback();
  assert.equal(store.inFlight(rule, 'client'), 1, 'a second release of the same ticket must not free another slot');
  await b.rollback();
  await b.release();
  assert.equal(store.inFlight(rule, 'client'), 0);
  assert.equal(store.totalInFlight, 0);
  assert.equal(store.size, 0, 'a counter back at zero is forgotten');
});

test('memory store: counters are back to zero after requests that fail, time out or lose their client', async () => {
  const store = new MemoryLimitStore();
  const wide: ConcurrencyRule = { type: 'concurrency', id: 'wide', max: 50, burst: 50 };
  // Simulated request handlers: every way out goes through `finally`, some more than once.
  const handle = async (i: number): Promise<'ok' | 'rejected' | 'error'> => {
    const { decision, ticket } = store.take(wide, `client-${i % 7}`, T0) as LimitResult;
    if (!decision.allowed) return 'rejected';
    try {
      await new Promise((resolve) => setTimeout(resolve, i % 5));
      if (i % 3 === 0) throw new Error('upstream timeout');
      if (i % 4 === 0) ticket!.release(); // the client went away: released early...
      return 'ok';
    } catch {
      return 'error';
    } finally {
      ticket!.release(); // ...and again when the response ends
    }
  };
  const outcomes = await Promise.all(Array.from({ length: 2000 }, (_, i) => handle(i)));
  assert.ok(outcomes.includes('error') && outcomes.includes('ok') && outcomes.includes('rejected'));
  assert.equal(store.totalInFlight, 0);
  for (let k = 0; k < 7; k++) assert.equal(store.inFlight(wide, `client-${k}`), 0);
  assert.equal(store.size, 0);
});

test('memory store: a rejected request takes no slot', () => {
  const store = new MemoryLimitStore();
  const admitted = Array.from({ length: 5 }, () => take(store));
  assert.ok(admitted.every((r) => r.decision.allowed));
  for (let i = 0; i < 10; i++) assert.equal(take(store).decision.allowed, false);
  assert.equal(store.inFlight(rule, 'client'), 5);
  admitted[0]!.ticket!.release();
  assert.equal(take(store).decision.allowed, true, 'one release frees exactly one slot');
  assert.equal(take(store).decision.allowed, false);
});
