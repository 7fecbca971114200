import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParseJob } from './parse-activity.js';
import type { FileOutcome } from './types.js';

const WORKER_URL = new URL('./parse-worker.js', import.meta.url);
/** Idle workers kept for the next file; more are ended. */
const MAX_IDLE_WORKERS = 2;
/** A parser that needs more heap than this on one file is stopped (it fails that file only). */
const WORKER_HEAP_MB = 512;

/** Files parsed at once in this process, across all uploads; more wait their turn. */
const MAX_BUSY_WORKERS = Math.max(2, availableParallelism());

const idleWorkers: Worker[] = [];
let busyWorkers = 0;
const waiting: (() => void)[] = [];

async function acquireSlot(): Promise<void> {
  if (busyWorkers < MAX_BUSY_WORKERS) {
    busyWorkers++;
    return;
  }
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function releaseSlot(): void {
  const next = waiting.shift();
  if (next) next();
  else busyWorkers--;
}

function startWorker(): Worker {
  const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  worker.once('exit', () => {
    const index = idleWorkers.indexOf(worker);
    if (index !== -1) idleWorkers.splice(index, 1);
  });
  return worker;
}

/**
 * Parses one file in a worker thread, so a slow or memory-hungry file cannot block the service:
 * past `timeoutMs` (counted from the hand-over to a worker, not while waiting for one) the worker is
 * terminated and the file fails.
 */
export async function parseInWorker(job: ParseJob, timeoutMs: number): Promise<FileOutcome> {
  await acquireSlot();
  try {
    return await runJob(job, timeoutMs);
  } finally {
    releaseSlot();
  }
}

function runJob(job: ParseJob, timeoutMs: number): Promise<FileOutcome> {
  const worker = idleWorkers.pop() ?? startWorker();
  worker.ref();
  return new Promise((resolve) => {
    const failed = (error: string): FileOutcome => ({ file: job.fileName, status: 'failed', error });
    const finish = (outcome: FileOutcome, reusable: boolean) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (reusable && idleWorkers.length < MAX_IDLE_WORKERS) {
        worker.unref();
        idleWorkers.push(worker);
      } else {
        void worker.terminate();
      }
      resolve(outcome);
    };
    const onMessage = (outcome: FileOutcome) => finish(outcome, true);
    const onError = (error: Error) => finish(failed(`the parser stopped: ${error.message}`), false);
    const onExit = () => finish(failed('the parser stopped unexpectedly'), false);
    const timer = setTimeout(() => finish(failed(`parsing took longer than ${timeoutMs} ms`), false), timeoutMs);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(job);
  });
}
