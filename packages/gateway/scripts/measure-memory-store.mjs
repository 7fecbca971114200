#!/usr/bin/env node
// Heap bytes per tracked key in the memory limit store (build first: npx tsc -p packages/gateway).
//   node --expose-gc packages/gateway/scripts/measure-memory-store.mjs [keys]
// Keys look like client addresses; each limit type is measured on its own fresh store.

import { MemoryLimitStore } from '../dist/src/limits/memory-store.js';
import { takeAll } from '../dist/src/limits/combine.js';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}

const keys = Number(process.argv[2] ?? 100_000);
const now = Date.now();
const address = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

const rules = {
  rate: { type: 'rate', id: 'route0:0', ratePerSecond: 200, burst: 100, delay: 0 },
  quota: { type: 'quota', id: 'route0:1', limit: 5000, windowMs: 3_600_000, sliding: true },
  concurrency: { type: 'concurrency', id: 'route0:2', max: 10, burst: 5 },
};

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const results = {};
for (const [name, rule] of Object.entries(rules)) {
  const store = new MemoryLimitStore({ maxKeys: keys * 2 });
  const held = []; // concurrency keys only stay while their requests are in flight
  const before = heapUsed();
  for (let i = 0; i < keys; i++) {
    const { ticket } = store.take(rule, address(i), now);
    if (name === 'concurrency') held.push(ticket);
  }
  const after = heapUsed();
  const ticketBytes = name === 'concurrency' ? 'includes the tickets of the requests in flight' : '';
  results[name] = { keys: store.size, bytesPerKey: Math.round((after - before) / keys), note: ticketBytes };
  held.length = 0;
}

// Decisions per second of the limiter alone: one rate limit, 10k keys, memory store.
const store = new MemoryLimitStore();
const limits = Array.from({ length: 10_000 }, (_, i) => [{ rule: rules.rate, key: address(i) }]);
const rounds = 2_000_000;
const started = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) takeAll(store, limits[i % limits.length], now + (i >> 10));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

process.stdout.write(`${JSON.stringify({ perKey: results, decisionsPerSecond: Math.round(rounds / seconds) }, null, 2)}\n`);
