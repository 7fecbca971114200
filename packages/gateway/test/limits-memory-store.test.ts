// The memory store's bounded memory: idle keys are dropped as new ones arrive, the key count never
// passes the cap (except to keep requests in flight), and dropping an idle key changes no decision.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedKeyTable, KeyTableEntry } from '../src/limits/bounded-key-table.js';
import { MemoryLimitStore } from '../src/limits/memory-store.js';
import type { ConcurrencyRule, LimitDecision, LimitResult, QuotaRule, RateRule } from '../src/limits/types.js';

const T0 = 1_700_000_000_000;
const rate: RateRule = { type: 'rate', id: 'r', ratePerSecond: 10, burst: 5, delay: 0 };

function decide(store: MemoryLimitStore, rule: RateRule | QuotaRule, key: string, at: number): LimitDecision {
  return (store.take(rule, key, T0 + at) as LimitResult).decision;
}

test('the number of keys never passes the cap, however many clients show up', () => {
  const store = new MemoryLimitStore({ maxKeys: 1000 });
  let largest = 0;
  for (let i = 0; i < 20_000; i++) {
    decide(store, rate, `198.51.100.${i}`, i % 50); // all within 50 ms: nothing drains, nothing is idle
    largest = Math.max(largest, store.size);
  }
  assert.equal(largest, 1000);
  assert.equal(store.evictedBeforeIdle, 19_000);
});

test('drained keys are dropped as new keys arrive, before the cap is reached', () => {
  const store = new MemoryLimitStore({ maxKeys: 100_000 });
  // One request per key, 10 new keys per millisecond; a key is idle 100 ms after its request (1000 drained at 10 r/s).
  for (let i = 0; i < 50_000; i++) decide(store, rate, `client-${i}`, Math.floor(i / 10));
  // Only keys of about the last 100 ms (10 per ms) can still matter.
  assert.ok(store.size <= 1_020, `${store.size} keys kept`);
  assert.equal(store.evictedBeforeIdle, 0);
});

test('expired quota windows are dropped too', () => {
  const quota: QuotaRule = { type: 'quota', id: 'q', limit: 5, windowMs: 1000, sliding: false };
  const store = new MemoryLimitStore();
  for (let i = 0; i < 10_000; i++) decide(store, quota, `user-${i}`, i);
  // Fixed windows of 1 s aligned to the clock: only this window's keys (at most 1000) remain.
  assert.ok(store.size <= 1_002, `${store.size} keys kept`);
});

test('dropping an idle key changes no decision', () => {
  const bounded = new MemoryLimitStore({ maxKeys: 2 });
  const unbounded = new MemoryLimitStore({ maxKeys: 1_000_000 });
  const arrivals: [string, number][] = [];
  for (let i = 0; i < 3000; i++) arrivals.push([`k${(i * 7919) % 5}`, i * 37]);
  for (const [key, at] of arrivals) {
    assert.deepEqual(decide(bounded, rate, key, at), decide(unbounded, rate, key, at), `${key} at ${at}`);
  }
});

test('keys with requests in flight are never evicted; the table grows past the cap instead', () => {
  const conn: ConcurrencyRule = { type: 'concurrency', id: 'c', max: 1, burst: 0 };
  const store = new MemoryLimitStore({ maxKeys: 10 });
  const tickets = Array.from({ length: 50 }, (_, i) => (store.take(conn, `client-${i}`, T0) as LimitResult).ticket!);
  assert.equal(store.size, 50);
  // Every one of them is still limited: a second request per key is rejected.
  for (let i = 0; i < 50; i++) assert.equal((store.take(conn, `client-${i}`, T0) as LimitResult).decision.allowed, false);
  for (const ticket of tickets) ticket.release();
  assert.equal(store.size, 0);
  assert.equal(store.totalInFlight, 0);
});

class Named extends KeyTableEntry {
  constructor(readonly name: string) {
    super();
  }
}

test('BoundedKeyTable: least recently used goes first; use() refreshes; idle ones are swept on insert', () => {
  let idle = new Set<string>();
  const table = new BoundedKeyTable<Named>(3, { isIdle: (e) => idle.has(e.name), isPinned: () => false });
  const names = (): string[] => [...table.values()].map((e) => e.name);
  for (const name of ['a', 'b', 'c']) table.insert(name, new Named(name), 0);
  assert.equal(table.use('a')?.name, 'a');
  assert.deepEqual(names(), ['b', 'c', 'a']);
  table.insert('d', new Named('d'), 0);
  assert.deepEqual(names(), ['c', 'a', 'd'], 'b was the least recently used');
  assert.equal(table.peek('b'), undefined);
  assert.equal(table.evictedBeforeIdle, 1);
  // c and a are idle: both swept by the next insertion, so nothing is evicted by force.
  idle = new Set(['c', 'a']);
  table.insert('e', new Named('e'), 0);
  assert.deepEqual(names(), ['d', 'e']);
  assert.equal(table.evictedBeforeIdle, 1);
  table.delete('d');
  table.insert('e', new Named('e2'), 0);
  assert.deepEqual(names(), ['e2']);
  assert.equal(table.size, 1);
  assert.throws(() => new BoundedKeyTable<Named>(0, { isIdle: () => true, isPinned: () => false }), RangeError);
});

test('close() forgets everything', async () => {
  const store = new MemoryLimitStore();
  decide(store, rate, 'a', 0);
  await store.close();
  assert.equal(store.size, 0);
});
