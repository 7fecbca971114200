// The options of createJobQueue, with their defaults.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { exponentialBackoff, type Backoff } from './backoff.js';
import type { Job } from './job.js';

/** Runs one handler invocation (`run`) for `job`: what a service wraps around every run, a trace span for one. */
export type AroundRun = (job: Job<unknown>, run: () => Promise<void>) => Promise<void>;

export interface CommonQueueOptions {
  /** Epoch milliseconds; tests pass a clock they move. Default Date.now. */
  clock?: () => number;
  /** How long a taken job stays with its worker without news; workers renew it while the handler runs. Default 30 s. */
  leaseMs?: number;
  /** How often an idle worker looks for due jobs. Default 1 s. */
  pollMs?: number;
  /** Wait before the next run after the attempt-th failed one. Default exponentialBackoff. */
  backoff?: Backoff;
  /** How long completed jobs are kept. Default 1 day. */
  completedRetentionMs?: number;
  /** How long failed jobs are kept. Default 7 days. */
  failedRetentionMs?: number;
  logger?: Logger;
  /** Wraps every handler run (the job's trace span); its outcome is the run's. Default: the run alone. */
  aroundRun?: AroundRun;
}

export interface DatabaseQueueOptions extends CommonQueueOptions {
  backend: 'database';
  /** The host service's database: the queue adds its own table and migration bookkeeping to it. */
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the host's schema is not ours to know
  dialect: 'sqlite' | 'postgres';
}

export interface RedisQueueOptions extends CommonQueueOptions {
  backend: 'redis';
  url: string;
  /** Key prefix, so several services share one Redis. Default "runnerly-jobs". */
  prefix?: string;
}

export type JobQueueOptions = DatabaseQueueOptions | RedisQueueOptions;

export interface QueueSettings {
  clock: () => number;
  leaseMs: number;
  pollMs: number;
  backoff: Backoff;
  completedRetentionMs: number;
  failedRetentionMs: number;
  logger: Logger | undefined;
  aroundRun: AroundRun;
}

const DAY_MS = 24 * 60 * 60_000;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of milliseconds`);
  return value;
}

export function queueSettings(options: CommonQueueOptions): QueueSettings {
  return {
    clock: options.clock ?? Date.now,
    leaseMs: positive('leaseMs', options.leaseMs, 30_000),
    pollMs: positive('pollMs', options.pollMs, 1_000),
    backoff: options.backoff ?? ((attempt) => exponentialBackoff(attempt)),
    completedRetentionMs: positive('completedRetentionMs', options.completedRetentionMs, DAY_MS),
    failedRetentionMs: positive('failedRetentionMs', options.failedRetentionMs, 7 * DAY_MS),
    logger: options.logger,
    aroundRun: options.aroundRun ?? ((_job, run) => run()),
  };
}
