import assert from 'node:assert/strict';
import { it } from 'node:test';
import { exponentialBackoff } from '../src/index.js';

it('waits 5 s after the first failure and doubles with each further one', () => {
  const middle = () => 0.5;
  assert.deepEqual([1, 2, 3, 4, 5].map((attempt) => exponentialBackoff(attempt, middle)), [5_000, 10_000, 20_000, 40_000, 80_000]);
});

it('never waits more than an hour', () => {
  assert.equal(exponentialBackoff(11, () => 0.5), 3_600_000);
  assert.equal(exponentialBackoff(12, () => 0.999), 3_600_000);
  assert.equal(exponentialBackoff(500, () => 0.5), 3_600_000);
});

it('spreads each wait over ±20% so jobs that failed together retry apart', () => {
  assert.equal(exponentialBackoff(1, () => 0), 4_000);
  assert.equal(exponentialBackoff(1, () => 1), 6_000);
  assert.equal(exponentialBackoff(3, () => 0), 16_000);
  assert.equal(exponentialBackoff(12, () => 0), 2_880_000);
});
