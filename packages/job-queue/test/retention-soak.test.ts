// Soak with a simulated clock: nine days of jobs, four hours at a time, worked by two queue
// instances on one database, a tenth of them failing. Finished jobs past their retention (a day
// for completed, seven for failed) are deleted by both instances' cleanups, and the table stays
// flat: bounded by the jobs still within their retention.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JobQueue } from '../src/index.js';
import { POSTGRES, SQLITE, type StoreKind, type TestStore } from './helpers/stores.js';
import { until } from './helpers/until.js';

const HOUR_MS = 3_600_000;
const STEP_MS = 4 * HOUR_MS;
const STEPS = 54;
const OK_PER_STEP = 18;
const FAILING_PER_STEP = 2;

for (const kind of [SQLITE, POSTGRES].filter((found): found is StoreKind => found !== undefined)) {
  describe(`finished jobs deleted under a simulated clock (${kind.name})`, () => {
    let store: TestStore;
    let queues: JobQueue[];

    before(async () => {
      store = await kind.create();
      queues = [store.open(), store.open()];
      for (const queue of queues) {
        queue.work<boolean>('import', async (job) => {
          if (!job.payload) throw new Error('bad file');
        }, { concurrency: 4 });
        await queue.start();
      }
    });

    after(() => store?.drop());

    it('keeps a day of completed and a week of failed jobs, no more, over nine simulated days', async () => {
      let added = 0;
      for (let step = 0; step < STEPS; step++) {
        const queue = queues[step % 2]!;
        for (let i = 0; i < OK_PER_STEP; i++) await queue.add('import', true);
        for (let i = 0; i < FAILING_PER_STEP; i++) await queue.add('import', false, { maxAttempts: 1 });
        added += OK_PER_STEP + FAILING_PER_STEP;
        await until('the step\'s jobs finished', async () => {
          const counts = await queue.counts('import');
          return counts.waiting + counts.delayed + counts.active === 0;
        }, 20_000);
        await store.clock.advance(STEP_MS);
        // Completed jobs finished in the last day (6 steps) and failed ones in the last week (42) at most.
        await until('the cleanup ran', async () => {
          const counts = await queues[0]!.counts('import');
          return counts.completed <= OK_PER_STEP * 5 && counts.failed <= FAILING_PER_STEP * 41;
        }, 5_000);
      }
      const counts = await queues[0]!.counts('import');
      assert.deepEqual(counts, { waiting: 0, delayed: 0, active: 0, completed: OK_PER_STEP * 5, failed: FAILING_PER_STEP * 41 });
      assert.equal(added, 1080);
    });
  });
}
