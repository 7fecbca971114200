// Replays arrival traces recorded from a real nginx 1.22 (scripts/record-nginx-traces.mjs) through
// the memory store's rate limit and the pure leaky bucket, and asserts nginx's decisions exactly:
// same pass / delay / reject for every request, the same delay to the millisecond, and the same
// bucket level (nginx's excess from its debug log).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { MemoryLimitStore } from '../src/limits/memory-store.js';
import { leakyBucketParams, leakyBucketTake, type LeakyBucketState } from '../src/limits/leaky-bucket.js';
import type { RateRule } from '../src/limits/types.js';

interface RecordedRequest {
  atMs: number;
  seq: number;
  outcome: 'PASSED' | 'DELAYED' | 'REJECTED';
  status: number;
  excess: number;
  delayMs: number;
}

interface Trace {
  recordedWith: string;
  config: string;
  rule: { ratePerSecond: number; burst: number; delay: number | 'nodelay' };
  patterns: { name: string; requests: RecordedRequest[] }[];
}

const traceDir = new URL('../../test/data/nginx-traces/', import.meta.url);
const traceFiles = readdirSync(traceDir).filter((name) => name.endsWith('.json')).sort();

function loadTrace(file: string): Trace {
  return JSON.parse(readFileSync(new URL(file, traceDir), 'utf8')) as Trace;
}

/** Far from zero, as a real clock is; the traces' times are relative to their first request. */
const CLOCK_ORIGIN = 1_700_000_000_000;

test('the recorded traces cover the nginx configurations and all three outcomes', () => {
  assert.deepEqual(traceFiles, ['delay2.json', 'nodelay.json', 'perminute.json', 'plain.json']);
  for (const file of traceFiles) {
    const trace = loadTrace(file);
    assert.match(trace.recordedWith, /^nginx\/1\.22\./);
    const outcomes = new Set(trace.patterns.flatMap((p) => p.requests.map((r) => r.outcome)));
    const expected = trace.rule.delay === 'nodelay' ? ['PASSED', 'REJECTED'] : ['DELAYED', 'PASSED', 'REJECTED'];
    assert.deepEqual([...outcomes].sort(), expected, file);
    assert.ok(trace.patterns.length >= 9, file);
  }
});

for (const file of traceFiles) {
  const trace = loadTrace(file);

  test(`memory store replays nginx's decisions: ${trace.config}`, () => {
    for (const pattern of trace.patterns) {
      const store = new MemoryLimitStore();
      const rule: RateRule = { type: 'rate', id: `replay-${pattern.name}`, ...trace.rule };
      for (const recorded of pattern.requests) {
        const where = `${file} ${pattern.name} request #${recorded.seq} at ${recorded.atMs} ms`;
        const { decision, ticket } = store.take(rule, 'client', CLOCK_ORIGIN + recorded.atMs) as ReturnType<MemoryLimitStore['take']>;
        if (recorded.outcome === 'REJECTED') {
          assert.equal(decision.allowed, false, `${where}: nginx rejected it`);
          assert.equal(ticket, undefined, where);
          continue;
        }
        assert.equal(decision.allowed, true, `${where}: nginx admitted it (${recorded.outcome})`);
        assert.ok(decision.allowed);
        assert.equal(decision.delayMs, recorded.delayMs, `${where}: nginx delayed it by ${recorded.delayMs} ms`);
        assert.equal(decision.delayMs > 0, recorded.outcome === 'DELAYED', where);
      }
    }
  });

  test(`leaky bucket reaches nginx's excess for every request: ${trace.config}`, () => {
    const params = leakyBucketParams({ type: 'rate', id: 'replay', ...trace.rule });
    let decided = 0;
    for (const pattern of trace.patterns) {
      let state: LeakyBucketState | undefined;
      for (const recorded of pattern.requests) {
        const outcome = leakyBucketTake(state, params, CLOCK_ORIGIN + recorded.atMs);
        const where = `${file} ${pattern.name} request #${recorded.seq}`;
        assert.equal(outcome.excess, recorded.excess, `${where}: excess`);
        assert.equal(outcome.allowed, recorded.outcome !== 'REJECTED', `${where}: outcome`);
        if (outcome.allowed) state = outcome.next;
        decided++;
      }
    }
    assert.ok(decided >= 300, `${decided} requests replayed`);
  });
}
