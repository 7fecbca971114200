// A worker in a process of its own, for the test that kills one mid-job: it takes jobs of type
// "fragile", says so on stdout, and never finishes them.
import { openQueue, type StoreSpec } from './stores.js';

const spec = JSON.parse(process.argv[2]!) as StoreSpec;
const leaseMs = Number(process.argv[3]);
const queue = openQueue(spec, { leaseMs, pollMs: 20 });
queue.work('fragile', async (job) => {
  process.stdout.write(`started ${job.id} ${job.attempts}\n`);
  await new Promise(() => {});
});
await queue.start();
process.stdout.write('ready\n');
