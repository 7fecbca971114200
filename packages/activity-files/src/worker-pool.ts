import { Worker } from 'node:worker_threads';
import type { ParseJob } from './parse-activity.js';
import type { FileOutcome } from './types.js';

const WORKER_URL = new URL('./parse-worker.js', import.meta.url);
/** Idle workers kept for the next file; more are ended. */
const MAX_IDLE_WORKERS = 2;
/** A parser that needs more heap than this on one file is stopped (it fails that file only). */
const WORKER_HEAP_MB = 512;

const idleWorkers: Worker[] = [];

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
 * past `timeoutMs` (counted from the hand-over) the worker is terminated and the file fails.
 */
export function parseInWorker(job: ParseJob, timeoutMs: number): Promise<FileOutcome> {
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
