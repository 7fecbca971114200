import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Sweeper, type SweepTask } from '../src/index.js';

/** A table of expiry times (ms) that deletes in batches, recording each batch's size. */
function table(name: string, expiries: number[]): SweepTask & { rows: number[]; batches: number[] } {
  const state = { name, rows: [...expiries], batches: [] as number[] };
  return Object.assign(state, {
    async sweep(now: number, limit: number) {
      const expired = state.rows.filter((at) => at <= now).slice(0, limit);
      state.rows = state.rows.filter((at) => !expired.includes(at));
      state.batches.push(expired.length);
      return expired.length;
    },
  });
}

const silent = { info() {}, error() {} };

describe('Sweeper', () => {
  it('deletes what expired by its clock in batches of batchSize, until a batch comes back short', async () => {
    const codes = table('codes', Array.from({ length: 25 }, (_, i) => i));
    const deleted: Array<[string, number]> = [];
    const sweeper = new Sweeper({ tasks: [codes], intervalMs: 1000, batchSize: 10, clock: () => 19, logger: silent, onDeleted: (task, rows) => deleted.push([task, rows]) });
    assert.deepEqual(await sweeper.run(), { codes: 20 });
    assert.deepEqual(codes.batches, [10, 10, 0]);
    assert.deepEqual(deleted, [['codes', 10], ['codes', 10]]);
    assert.deepEqual(codes.rows, [20, 21, 22, 23, 24]);
    assert.deepEqual(await sweeper.run(30), { codes: 5 });
  });

  it('stops a run after maxBatches: the rest waits for the next run', async () => {
    const codes = table('codes', Array.from({ length: 50 }, (_, i) => i));
    const sweeper = new Sweeper({ tasks: [codes], intervalMs: 1000, batchSize: 10, maxBatches: 2, clock: () => 100, logger: silent });
    assert.deepEqual(await sweeper.run(), { codes: 20 });
    assert.equal(codes.rows.length, 30);
  });

  it('logs a failing task and still runs the others; rejects only when all failed', async () => {
    const errors: object[] = [];
    const broken: SweepTask = { name: 'broken', sweep: () => Promise.reject(new Error('database down')) };
    const sessions = table('sessions', [1, 2]);
    const sweeper = new Sweeper({ tasks: [broken, sessions], intervalMs: 1000, clock: () => 5, logger: { info() {}, error: (object) => errors.push(object) } });
    assert.deepEqual(await sweeper.run(), { sessions: 2 });
    assert.equal(errors.length, 1);
    assert.deepEqual((errors[0] as { table: string }).table, 'broken');
    await assert.rejects(new Sweeper({ tasks: [broken], intervalMs: 1000, logger: silent }).run(), /database down/);
  });

  it('joins a run in flight instead of starting a second one', async () => {
    let calls = 0;
    const slow: SweepTask = { name: 'slow', sweep: async () => { calls++; await new Promise((resolve) => setTimeout(resolve, 20)); return 0; } };
    const sweeper = new Sweeper({ tasks: [slow], intervalMs: 1000, logger: silent });
    await Promise.all([sweeper.run(), sweeper.run()]);
    assert.equal(calls, 1);
  });

  it('runs on its interval once started, and not after stop()', async () => {
    const sessions = table('sessions', [1]);
    const sweeper = new Sweeper({ tasks: [sessions], intervalMs: 10, clock: () => 5, logger: silent });
    sweeper.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await sweeper.stop();
    assert.deepEqual(sessions.rows, []);
    const runs = sessions.batches.length;
    assert.ok(runs >= 2, `ran ${runs} times`);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(sessions.batches.length, runs);
  });

  it('refuses a zero interval or batch size', () => {
    assert.throws(() => new Sweeper({ tasks: [], intervalMs: 0 }), RangeError);
    assert.throws(() => new Sweeper({ tasks: [], intervalMs: 10, batchSize: 0 }), RangeError);
  });
});
