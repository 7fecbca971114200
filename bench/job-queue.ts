// `node bench/dist/job-queue.js`: throughput of @runnerly/job-queue on each backend. Two queue
// instances (as two service instances would), each working one type with concurrency 4, run
// no-op jobs added beforehand; the figure is jobs completed per second, the median of several
// runs, with each backend's ratio to SQLite. Not part of `npm run bench`.
// BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) and BENCH_REDIS_URL
// (default redis://127.0.0.1:6379) name the servers; each run gets a fresh schema or key prefix.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { openDatabase } from '@runnerly/database';
import { postgresBackend, sqliteBackend, type TestBackend } from '@runnerly/database/testing';
import { createJobQueue, type JobQueue } from '@runnerly/job-queue';
import { median, round } from './lib/stats.js';

const PLAN = { jobs: 2_000, instances: 2, concurrency: 4, runs: 5 };
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Store {
  open(): JobQueue;
  drop(): Promise<void>;
}

async function databaseStore(backend: TestBackend): Promise<Store> {
  const created = await backend.create();
  const handles: { close(): Promise<void> }[] = [];
  return {
    open() {
      const handle = openDatabase(created.url);
      handles.push(handle);
      return createJobQueue({ backend: 'database', db: handle.db, dialect: handle.kind, pollMs: 50 });
    },
    async drop() {
      await Promise.all(handles.map((handle) => handle.close()));
      await created.drop();
    },
  };
}

async function redisStore(): Promise<Store> {
  const prefix = `jq-bench-${randomBytes(6).toString('hex')}`;
  return {
    open: () => createJobQueue({ backend: 'redis', url: REDIS_URL, prefix }),
    async drop() {
      const client = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await client.quit();
    },
  };
}

/** Jobs per second: adding them (one instance), and running them (every instance). */
async function run(store: Store): Promise<{ added: number; completed: number }> {
  const queues: JobQueue[] = [];
  let done = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  try {
    for (let n = 0; n < PLAN.instances; n += 1) {
      const queue = store.open();
      queue.work('noop', async () => {
        if (++done === PLAN.jobs) finished();
      }, { concurrency: PLAN.concurrency });
      queues.push(queue);
    }
    // Migrated before timing; the workers start after the jobs are in.
    await queues[0]!.counts();
    const addStarted = performance.now();
    for (let n = 0; n < PLAN.jobs; n += 1) await queues[0]!.add('noop', { n });
    const addSeconds = (performance.now() - addStarted) / 1000;
    const runStarted = performance.now();
    for (const queue of queues) await queue.start();
    await allDone;
    const runSeconds = (performance.now() - runStarted) / 1000;
    return { added: PLAN.jobs / addSeconds, completed: PLAN.jobs / runSeconds };
  } finally {
    await Promise.all(queues.map((queue) => queue.close({ drainMs: 1000 })));
    await store.drop();
  }
}

async function main(): Promise<void> {
  const backends: [string, () => Promise<Store>][] = [
    ['sqlite', () => databaseStore(sqliteBackend)],
    ['postgres', () => databaseStore(postgresBackend(POSTGRES_URL))],
    ['redis', () => redisStore()],
  ];
  console.log(`job queue: ${PLAN.jobs} no-op jobs, ${PLAN.instances} instances x concurrency ${PLAN.concurrency}, median of ${PLAN.runs} runs`);
  const results: Record<string, { added: number; completed: number }> = {};
  for (const [name, create] of backends) {
    const runs = [];
    for (let n = 0; n < PLAN.runs; n += 1) runs.push(await run(await create()));
    results[name] = { added: median(runs.map((each) => each.added)), completed: median(runs.map((each) => each.completed)) };
  }
  const base = results.sqlite!;
  console.log('| backend | add() jobs/s | completed jobs/s | completed vs SQLite |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, result] of Object.entries(results)) {
    console.log(`| ${name} | ${round(result.added)} | ${round(result.completed)} | ${round(result.completed / base.completed, 2)} |`);
  }
}

await main();
