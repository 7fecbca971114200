// The behaviour every backend must show, run once per store (see sqlite/postgres/redis test files).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { RetryLater, type Job, type JobOptions, type JobQueue } from '../../src/index.js';
import type { StoreKind, TestStore } from './stores.js';
import { gate, until } from './until.js';

const DAY_MS = 24 * 60 * 60_000;

export function jobQueueSuite(kind: StoreKind): void {
  // A delay the test must see pending before it passes: on Redis it passes in real time, so it is
  // long enough for a loaded machine to look first.
  const holdMs = kind.clockDriven ? 300 : 1500;
  describe(`job queue on ${kind.name}`, () => {
    let store: TestStore;
    beforeEach(async () => {
      store = await kind.create();
    });
    afterEach(async () => {
      await store.drop();
    });

    async function state(queue: JobQueue, id: string): Promise<Job<unknown>['state'] | undefined> {
      return (await queue.get(id))?.state;
    }

    it('runs an added job once, with its payload, and records it completed', async () => {
      const queue = store.open();
      const seen: Job<{ athlete: number }>[] = [];
      queue.work<{ athlete: number }>('import', async (job) => {
        seen.push({ ...job, state: (await queue.get(job.id))!.state });
      });
      await queue.start();
      const added = await queue.add('import', { athlete: 42 });
      assert.equal(added.type, 'import');
      assert.equal(added.key, null);
      assert.equal(added.attempts, 0);
      assert.deepEqual(added.payload, { athlete: 42 });
      await until('the job completed', async () => (await state(queue, added.id)) === 'completed');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.id, added.id);
      assert.deepEqual(seen[0]!.payload, { athlete: 42 });
      assert.equal(seen[0]!.attempts, 1);
      assert.equal(seen[0]!.state, 'active');
      const done = (await queue.get(added.id))!;
      assert.equal(done.attempts, 1);
      assert.equal(done.lastError, null);
      assert.deepEqual(await queue.counts('import'), { waiting: 0, delayed: 0, active: 0, completed: 1, failed: 0 });
    });

    it('aroundRun wraps every handler run, and what it throws is the run\'s outcome', async () => {
      const wrapped: string[] = [];
      const queue = store.open({
        backoff: () => 0,
        aroundRun: async (job, run) => {
          wrapped.push(`${job.type} ${job.id} ${job.attempts} before`);
          try {
            await run();
          } finally {
            wrapped.push(`${job.type} ${job.id} ${job.attempts} after`);
          }
        },
      });
      let runs = 0;
      queue.work('report', async () => {
        runs++;
        wrapped.push('handler');
        if (runs === 1) throw new Error('first run fails');
      });
      await queue.start();
      const added = await queue.add('report', { month: '2026-11' }, { maxAttempts: 2 });
      await until('the job completed', async () => (await state(queue, added.id)) === 'completed');
      assert.deepEqual(wrapped, [
        `report ${added.id} 1 before`,
        'handler',
        `report ${added.id} 1 after`,
        `report ${added.id} 2 before`,
        'handler',
        `report ${added.id} 2 after`,
      ]);
      assert.equal((await queue.get(added.id))?.attempts, 2);
    });

    it('two instances with concurrency 2 each run every job exactly once', async () => {
      const runs = new Map<string, number>();
      const active = [0, 0];
      const peak = [0, 0];
      const queues = [store.open(), store.open()];
      // Started one after the other: the first runs the migrations (SQLite would otherwise block on its own connection).
      for (const [index, queue] of queues.entries()) {
        queue.work('import', async (job) => {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          active[index]! += 1;
          peak[index] = Math.max(peak[index]!, active[index]!);
          await sleep(5);
          active[index]! -= 1;
        }, { concurrency: 2 });
        await queue.start();
      }
      const ids = [];
      for (let n = 0; n < 30; n += 1) ids.push((await queues[n % 2]!.add('import', { n })).id);
      await until('every job completed', async () => (await queues[0]!.counts('import')).completed === 30);
      assert.deepEqual([...runs.keys()].sort(), [...ids].sort());
      assert.ok([...runs.values()].every((count) => count === 1), `every job ran once: ${JSON.stringify([...runs.values()])}`);
      assert.ok(peak[0]! <= 2 && peak[1]! <= 2, `at most 2 at once per instance: ${JSON.stringify(peak)}`);
    });

    it('a worker runs at most its concurrency of jobs at once', async () => {
      const queue = store.open();
      const release = gate();
      let running = 0;
      let peak = 0;
      queue.work('report', async () => {
        running += 1;
        peak = Math.max(peak, running);
        await release.promise;
        running -= 1;
      }, { concurrency: 3 });
      await queue.start();
      for (let n = 0; n < 8; n += 1) await queue.add('report', { n });
      await until('three jobs run', () => running === 3);
      await sleep(150); // several polls: a fourth would have started by now
      assert.equal(running, 3);
      assert.deepEqual(await queue.counts('report'), { waiting: 5, delayed: 0, active: 3, completed: 0, failed: 0 });
      release.open();
      await until('every job completed', async () => (await queue.counts('report')).completed === 8);
      assert.equal(peak, 3);
    });

    it('a failing handler is retried after the backoff until maxAttempts, then failed with its last error', async () => {
      const backoffs: number[] = [];
      const queue = store.open({
        backoff: (attempt) => {
          backoffs.push(attempt);
          return 300 * attempt;
        },
      });
      const attemptsSeen: number[] = [];
      const startedAt: number[] = [];
      queue.work('import', async (job) => {
        attemptsSeen.push(job.attempts);
        startedAt.push(Date.now());
        throw new Error(`Strava answered 500 (attempt ${job.attempts})`);
      });
      await queue.start();
      const added = await queue.add('import', {}, { maxAttempts: 3 });
      await until('the first attempt failed', async () => (await queue.get(added.id))?.lastError === 'Strava answered 500 (attempt 1)');
      if (kind.clockDriven) {
        const waiting = (await queue.get(added.id))!;
        assert.equal(waiting.state, 'delayed');
        assert.equal(waiting.attempts, 1);
        assert.equal(waiting.runAt.getTime(), store.clock.now() + 300);
        await sleep(100);
        assert.deepEqual(attemptsSeen, [1], 'not run again before its backoff');
      }
      await store.clock.advance(300);
      await until('the second attempt failed', async () => (await queue.get(added.id))?.lastError === 'Strava answered 500 (attempt 2)');
      await store.clock.advance(600);
      await until('the job failed', async () => (await state(queue, added.id)) === 'failed');
      const failed = (await queue.get(added.id))!;
      assert.equal(failed.attempts, 3);
      assert.equal(failed.lastError, 'Strava answered 500 (attempt 3)');
      assert.deepEqual(attemptsSeen, [1, 2, 3]);
      assert.deepEqual(backoffs, [1, 2]);
      if (!kind.clockDriven) {
        assert.ok(startedAt[1]! - startedAt[0]! >= 300 && startedAt[2]! - startedAt[1]! >= 600, `retried after the backoff: ${JSON.stringify(startedAt)}`);
      }
      assert.deepEqual((await queue.list({ state: ['failed'] })).map((job) => job.id), [added.id]);
      assert.deepEqual(await queue.counts(), { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 1 });
    });

    it('RetryLater reschedules the job at its time without spending an attempt', async () => {
      const queue = store.open();
      const attemptsSeen: number[] = [];
      const startedAt: number[] = [];
      let pausedUntil: Date | undefined;
      queue.work('import', async (job) => {
        attemptsSeen.push(job.attempts);
        startedAt.push(store.clock.now());
        if (!pausedUntil) {
          pausedUntil = new Date(store.clock.now() + 400);
          throw new RetryLater(pausedUntil, 'Strava rate limit');
        }
      });
      await queue.start();
      // One attempt allowed: a pause that counted would fail the job.
      const added = await queue.add('import', {}, { maxAttempts: 1 });
      if (kind.clockDriven) {
        await until('the job was paused', async () => (await state(queue, added.id)) === 'delayed');
        const paused = (await queue.get(added.id))!;
        assert.equal(paused.attempts, 0);
        assert.equal(paused.lastError, null);
        assert.equal(paused.runAt.getTime(), pausedUntil!.getTime());
        await store.clock.advance(400);
      }
      await until('the job completed', async () => (await state(queue, added.id)) === 'completed');
      assert.deepEqual(attemptsSeen, [1, 1]);
      assert.ok(startedAt[1]! >= pausedUntil!.getTime(), 'run again once the pause was over');
      const completed = (await queue.get(added.id))!;
      assert.equal(completed.attempts, 1);
      assert.equal(completed.lastError, null);
    });

    /** Runs a job in a worker process of its own and kills that process (SIGKILL) mid-job; resolves with the job's id. */
    async function killWorkerMidJob(queue: JobQueue, options: JobOptions = {}): Promise<string> {
      const script = fileURLToPath(new URL('./dying-worker.js', import.meta.url));
      const child = spawn(process.execPath, [script, JSON.stringify(store.spec), String(kind.leaseMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        await until('the child worker is ready', () => output.includes('ready\n'));
        const added = await queue.add('fragile', { athlete: 7 }, options);
        await until('the child took the job', () => output.includes(`started ${added.id} 1\n`));
        return added.id;
      } finally {
        child.kill('SIGKILL');
        if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
      }
    }

    /** Moves the clock past the lease the killed child took (by real time, which has run on since the test clock was set). */
    async function outlastChildLease(): Promise<void> {
      await store.clock.advance(Math.max(0, Date.now() - store.clock.now()) + kind.leaseMs + 1);
    }

    it('a job whose worker process was killed mid-run is taken again once its lease runs out', async () => {
      const queue = store.open();
      await queue.start();
      const id = await killWorkerMidJob(queue);
      assert.equal(await state(queue, id), 'active');
      const retaken: Job<unknown>[] = [];
      queue.work('fragile', async (job) => {
        retaken.push(job);
      });
      await outlastChildLease();
      await until('the job completed here', async () => (await state(queue, id)) === 'completed');
      assert.equal(retaken.length, 1);
      assert.deepEqual(retaken[0]!.payload, { athlete: 7 });
      assert.equal(retaken[0]!.attempts, 2, 'the run that died counted');
    });

    it('a job whose worker died during its last allowed attempt is failed, not run again', async () => {
      const queue = store.open();
      await queue.start();
      const id = await killWorkerMidJob(queue, { maxAttempts: 1 });
      let runs = 0;
      queue.work('fragile', async () => {
        runs += 1;
      });
      await outlastChildLease();
      await until('the job failed', async () => (await state(queue, id)) === 'failed');
      assert.equal(runs, 0);
      assert.equal((await queue.get(id))!.lastError, 'the worker running the last attempt stopped');
    });

    if (kind.clockDriven) {
      it('a job whose lease ran out is run by another instance; the first run is aborted and its outcome dropped', async () => {
        // The first instance's clock stands still, so its lease renewals stop short of the second's time: it looks hung.
        let stuckNow = store.clock.now();
        const first = store.open({ clock: () => stuckNow });
        const firstRun = gate();
        let firstSignal: AbortSignal | undefined;
        first.work('import', async (_job, signal) => {
          firstSignal = signal;
          await firstRun.promise;
        });
        await first.start();
        const added = await first.add('import', {});
        await until('the first instance runs the job', () => firstSignal !== undefined);
        const second = store.open();
        const secondRuns: number[] = [];
        second.work('import', async (job) => {
          secondRuns.push(job.attempts);
        });
        await second.start();
        await sleep(100);
        assert.deepEqual(secondRuns, [], 'not taken while the lease holds');
        await store.clock.advance(kind.leaseMs + 1);
        await until('the second instance completed the job', async () => (await state(second, added.id)) === 'completed');
        assert.deepEqual(secondRuns, [2]);
        await until('the first run is aborted', () => firstSignal!.aborted);
        stuckNow = store.clock.now();
        firstRun.open();
        await sleep(100);
        const job = (await second.get(added.id))!;
        assert.equal(job.state, 'completed');
        assert.equal(job.attempts, 2);
      });
    }

    it('jobs survive closing the queue and opening it again', async () => {
      const before = store.open();
      await before.start();
      const now = await before.add('report', { month: '2026-11' });
      const later = await before.add('report', { month: '2026-12' }, { delayMs: holdMs });
      await before.close();
      const after = store.open();
      const months: string[] = [];
      after.work<{ month: string }>('report', async (job) => {
        months.push(job.payload.month);
      });
      await after.start();
      await until('the due job completed', async () => (await state(after, now.id)) === 'completed');
      assert.equal(await state(after, later.id), 'delayed');
      assert.equal((await after.get(later.id))!.runAt.getTime(), later.runAt.getTime());
      await store.clock.advance(holdMs);
      await until('the delayed job completed', async () => (await state(after, later.id)) === 'completed');
      assert.deepEqual(months, ['2026-11', '2026-12']);
    });

    it('a key dedupes while its job waits, is delayed or runs, and not once it finished', async () => {
      const queue = store.open();
      const running = gate();
      const finish = gate();
      queue.work('import', async () => {
        running.open();
        await finish.promise;
      });
      const first = await queue.add('import', { athlete: 1, n: 1 }, { key: 'athlete-1', delayMs: 200 });
      assert.equal(first.key, 'athlete-1');
      assert.equal(first.state, 'delayed');
      const whileDelayed = await queue.add('import', { athlete: 1, n: 2 }, { key: 'athlete-1' });
      assert.equal(whileDelayed.id, first.id);
      assert.deepEqual(whileDelayed.payload, { athlete: 1, n: 1 });
      const otherKey = await queue.add('import', { athlete: 2 }, { key: 'athlete-2', delayMs: 60_000 });
      assert.notEqual(otherKey.id, first.id);
      const otherType = await queue.add('report', { athlete: 1 }, { key: 'athlete-1' });
      assert.notEqual(otherType.id, first.id);
      await queue.start();
      await store.clock.advance(200);
      await running.promise;
      assert.equal((await queue.add('import', { athlete: 1, n: 3 }, { key: 'athlete-1' })).id, first.id);
      finish.open();
      await until('the job completed', async () => (await state(queue, first.id)) === 'completed');
      const afterwards = await queue.add('import', { athlete: 1, n: 4 }, { key: 'athlete-1', delayMs: 60_000 });
      assert.notEqual(afterwards.id, first.id);
      assert.deepEqual(afterwards.payload, { athlete: 1, n: 4 });
      assert.deepEqual((await queue.list({ type: 'import', key: 'athlete-1' })).map((job) => job.id), [afterwards.id, first.id]);
    });

    it('a delayed job waits for its time; runAt and delayMs both set it', async () => {
      const queue = store.open();
      const ran: string[] = [];
      const early: string[] = [];
      const dueAt = new Map<string, number>();
      queue.work<{ name: string }>('report', async (job) => {
        ran.push(job.payload.name);
        if (store.clock.now() < dueAt.get(job.id)!) early.push(job.payload.name);
      });
      await queue.start();
      const byDelay = await queue.add('report', { name: 'by delay' }, { delayMs: holdMs });
      const byDate = await queue.add('report', { name: 'by date' }, { runAt: new Date(store.clock.now() + holdMs) });
      dueAt.set(byDelay.id, byDelay.runAt.getTime()).set(byDate.id, byDate.runAt.getTime());
      assert.equal(byDelay.state, 'delayed');
      assert.equal(byDate.state, 'delayed');
      assert.deepEqual(await queue.counts('report'), { waiting: 0, delayed: 2, active: 0, completed: 0, failed: 0 });
      if (kind.clockDriven) {
        await sleep(100);
        assert.deepEqual(ran, []);
      }
      await store.clock.advance(holdMs);
      await until('both ran', () => ran.length === 2);
      assert.deepEqual(ran.sort(), ['by date', 'by delay']);
      assert.deepEqual(early, []);
    });

    it('runs lower priority numbers first, no priority before any', async () => {
      const queue = store.open();
      const order: string[] = [];
      queue.work<string>('report', async (job) => {
        order.push(job.payload);
      });
      await queue.add('report', 'five', { priority: 5 });
      await queue.add('report', 'one', { priority: 1 });
      await queue.add('report', 'none');
      await queue.add('report', 'three', { priority: 3 });
      await queue.start();
      await until('all ran', () => order.length === 4);
      assert.deepEqual(order, ['none', 'one', 'three', 'five']);
    });

    it('deletes completed jobs after a day and failed ones after seven', async () => {
      // A clock of its own that jumps by days; every backend measures retention by the queue's clock.
      let skew = 0;
      const queue = store.open({ clock: () => Date.now() + skew, backoff: () => 1 });
      queue.work<boolean>('import', async (job) => {
        if (!job.payload) throw new Error('bad file');
      });
      await queue.start();
      const completed = await queue.add('import', true);
      const failed = await queue.add('import', false, { maxAttempts: 1 });
      await until('both finished', async () => (await state(queue, completed.id)) === 'completed' && (await state(queue, failed.id)) === 'failed');
      skew = DAY_MS - 60_000;
      await sleep(200);
      assert.equal(await state(queue, completed.id), 'completed', 'kept for a day');
      skew = DAY_MS + 1000;
      await until('the completed job is deleted', async () => (await queue.get(completed.id)) === null);
      assert.equal(await state(queue, failed.id), 'failed');
      skew = 7 * DAY_MS + 1000;
      await until('the failed job is deleted', async () => (await queue.get(failed.id)) === null);
      assert.deepEqual(await queue.counts('import'), { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
    });

    it('close waits for the jobs in flight to finish', async () => {
      const queue = store.open();
      const started = gate();
      let finished = false;
      queue.work('report', async () => {
        started.open();
        await sleep(150);
        finished = true;
      });
      await queue.start();
      const added = await queue.add('report', {});
      await started.promise;
      await queue.close({ drainMs: 5000 });
      assert.equal(finished, true);
      const reader = store.open();
      assert.equal(await state(reader, added.id), 'completed');
    });

    it('close aborts jobs still running after drainMs; they run again once their lease runs out', async () => {
      const queue = store.open();
      let signal: AbortSignal | undefined;
      queue.work('report', async (_job, jobSignal) => {
        signal = jobSignal;
        await new Promise((resolve) => jobSignal.addEventListener('abort', resolve));
        throw new Error('aborted');
      });
      await queue.start();
      const added = await queue.add('report', {});
      await until('the job runs', () => signal !== undefined);
      await queue.close({ drainMs: 50 });
      assert.equal(signal!.aborted, true);
      const next = store.open();
      const attempts: number[] = [];
      next.work('report', async (job) => {
        attempts.push(job.attempts);
      });
      const aborted = (await next.get(added.id))!;
      assert.equal(aborted.state, 'active', 'the aborted run recorded nothing');
      assert.equal(aborted.lastError, null);
      await next.start();
      await store.clock.advance(kind.leaseMs + 1);
      await until('the job ran again', async () => (await state(next, added.id)) === 'completed');
      assert.deepEqual(attempts, [2]);
    });

    it('lists by type, key and state, newest first, up to the limit', async () => {
      const queue = store.open();
      await queue.start();
      const a = await queue.add('import', 'a', { key: 'k1' });
      await store.clock.advance(kind.clockDriven ? 10 : 5);
      const b = await queue.add('import', 'b', { delayMs: 60_000 });
      await store.clock.advance(kind.clockDriven ? 10 : 5);
      const c = await queue.add('report', 'c', { key: 'k1' });
      const ids = (jobs: Job<unknown>[]) => jobs.map((job) => job.id);
      assert.deepEqual(ids(await queue.list({})), [c.id, b.id, a.id]);
      assert.deepEqual(ids(await queue.list({ limit: 2 })), [c.id, b.id]);
      assert.deepEqual(ids(await queue.list({ type: 'import' })), [b.id, a.id]);
      assert.deepEqual(ids(await queue.list({ key: 'k1' })), [c.id, a.id]);
      assert.deepEqual(ids(await queue.list({ state: ['delayed'] })), [b.id]);
      assert.deepEqual(ids(await queue.list({ type: 'import', state: ['waiting'] })), [a.id]);
      assert.deepEqual(await queue.counts(), { waiting: 2, delayed: 1, active: 0, completed: 0, failed: 0 });
      assert.equal(await queue.get('no-such-job'), null);
      assert.equal(await queue.get(`never-added.${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`), null);
      assert.deepEqual(await queue.counts('never-added'), { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
      assert.deepEqual(await queue.list({ type: 'never-added' }), []);
      assert.equal(await queue.get(`import.${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`), null);
    });

    it('refuses bad input with an error naming it', async () => {
      const queue = store.open();
      await queue.start();
      await assert.rejects(queue.add('no spaces', {}), { name: 'TypeError', message: /^job type must be/ });
      await assert.rejects(queue.add('import', {}, { maxAttempts: 0 }), { name: 'RangeError', message: 'maxAttempts must be an integer from 1 to 1000' });
      await assert.rejects(queue.add('import', {}, { priority: -1 }), { name: 'RangeError', message: 'priority must be an integer from 0 to 2097152' });
      await assert.rejects(queue.add('import', {}, { key: '' }), { name: 'TypeError', message: 'job key must be a string of 1 to 200 characters' });
      await assert.rejects(queue.add('import', undefined), { name: 'TypeError', message: 'job payload must be JSON-serialisable' });
      await assert.rejects(queue.add('import', 'x'.repeat(64 * 1024)), { name: 'RangeError', message: 'job payload must be at most 65536 bytes of JSON' });
      assert.throws(() => new RetryLater(new Date(Number.NaN)), { name: 'TypeError', message: 'RetryLater needs a valid Date' });
      await assert.rejects(queue.list({ limit: 0 }), { name: 'RangeError', message: 'limit must be an integer from 1 to 1000' });
      assert.throws(() => queue.work('import', async () => {}, { concurrency: 0 }), { name: 'RangeError', message: 'concurrency must be an integer from 1 to 1000' });
      queue.work('import', async () => {});
      assert.throws(() => queue.work('import', async () => {}), { message: 'a handler for job type import is already registered' });
      assert.deepEqual(await queue.counts(), { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });
    });
  });
}
