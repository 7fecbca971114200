// The Redis backend: one BullMQ queue per job type, under a prefix. BullMQ does the leasing
// (its job locks), the retries with backoff (a custom strategy calling ours), the delays, and
// the deduplication (its deduplication ids hold the key until the job completes or fails).
import { randomUUID } from 'node:crypto';
import { DelayedError, Job as BullJob, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { CloseOptions, Job, JobHandler, JobOptions, JobQueue, JobState, ListFilter, WorkOptions } from '../job.js';
import { JOB_STATES } from '../job.js';
import { checkJobOptions, checkType, DEFAULT_MAX_ATTEMPTS, errorMessage, listLimit, serializePayload } from '../job-input.js';
import { queueSettings, type QueueSettings, type RedisQueueOptions } from '../options.js';
import { RetryLater } from '../retry-later.js';
import { checkConcurrency, DEFAULT_DRAIN_MS } from '../work-options.js';
import { countedAttempts, toJob, toJobState, type JobEnvelope } from './to-job.js';

const DEFAULT_PREFIX = 'runnerly-jobs';
/** Jobs read per state when list() filters by key, which BullMQ does not index. */
const KEY_SCAN_LIMIT = 10_000;
const CLEANUP_EVERY_MS = 60_000;

interface RedisWorker {
  worker: Worker<JobEnvelope>;
  connection: Redis;
  inFlight: Map<string, { controller: AbortController; done: Promise<void> }>;
  /** Set when close aborts the jobs in flight: they wait for the forced close to finish, so BullMQ records nothing for them. */
  abortedByClose: { value: boolean };
  forcedClose: Promise<void>;
  closedByForce: () => void;
}

export class RedisJobQueue implements JobQueue {
  private readonly settings: QueueSettings;
  private readonly prefix: string;
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue<JobEnvelope>>();
  private readonly handlers = new Map<string, { handler: JobHandler<unknown>; concurrency: number }>();
  private readonly workers = new Map<string, RedisWorker>();
  private state: 'new' | 'started' | 'closed' = 'new';
  private cleanupTimer: NodeJS.Timeout | undefined;
  private cleaning: Promise<void> | undefined;
  private lastCleanup = -Infinity;

  constructor(private readonly options: RedisQueueOptions) {
    this.settings = queueSettings(options);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    if (this.prefix.includes(':') || this.prefix.length === 0) throw new TypeError('prefix must be a non-empty string without ":"');
    this.connection = this.connect();
  }

  async add<T>(type: string, payload: T, options: JobOptions = {}): Promise<Job<T>> {
    checkType(type);
    const now = this.settings.clock();
    const checked = checkJobOptions(options, now);
    const envelope: JobEnvelope = { key: checked.key, payload: JSON.parse(serializePayload(payload)) };
    const queue = await this.queue(type);
    const jobId = `${type}.${randomUUID()}`;
    const delay = Math.max(0, checked.runAt - now);
    const added = await queue.add(type, envelope, {
      jobId,
      delay,
      attempts: checked.maxAttempts,
      backoff: { type: 'queue' },
      ...(checked.priority > 0 ? { priority: checked.priority } : {}),
      ...(checked.key !== null ? { deduplication: { id: checked.key } } : {}),
      removeOnComplete: { age: Math.ceil(this.settings.completedRetentionMs / 1000) },
      removeOnFail: { age: Math.ceil(this.settings.failedRetentionMs / 1000) },
    });
    // Due by BullMQ's reckoning: its own timestamp of the job plus the delay.
    if (added.id === jobId) return toJob<T>(added, delay > 0 ? 'delayed' : 'waiting', delay > 0 ? added.timestamp + delay : null);
    // Deduplicated: BullMQ answers with the live job's id; read that job.
    const job = (await this.get(added.id!)) as Job<T> | null;
    if (job) return job;
    // The live job finished and was removed in between: add again.
    return this.add(type, payload, options);
  }

  work<T>(type: string, handler: JobHandler<T>, options: WorkOptions = {}): void {
    checkType(type);
    if (this.handlers.has(type)) throw new Error(`a handler for job type ${type} is already registered`);
    if (this.state === 'closed') throw new Error('the job queue is closed');
    this.handlers.set(type, { handler: handler as JobHandler<unknown>, concurrency: checkConcurrency(options.concurrency) });
    if (this.state === 'started') this.startWorker(type);
  }

  async get(id: string): Promise<Job<unknown> | null> {
    if (typeof id !== 'string') return null;
    const type = id.slice(0, id.lastIndexOf('.'));
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(type) || id.includes(':')) return null;
    // Ids come from callers (a URL, say): only types jobs were ever added or worked under are looked at.
    if (!(await this.isKnownType(type))) return null;
    const queue = await this.queue(type);
    const job = (await BullJob.fromId<JobEnvelope>(queue, id)) ?? null;
    return job ? this.toJob(queue, job) : null;
  }

  async list(filter: ListFilter): Promise<Job<unknown>[]> {
    const limit = listLimit(filter);
    const types = filter.type !== undefined ? ((await this.isKnownType(checkType(filter.type))) ? [filter.type] : []) : await this.knownTypes();
    const states = filter.state ?? [...JOB_STATES];
    const perState = filter.key !== undefined ? KEY_SCAN_LIMIT : limit;
    const found: Job<unknown>[] = [];
    for (const type of types) {
      const queue = await this.queue(type);
      for (const state of states) {
        const bullStates = state === 'waiting' ? (['waiting', 'prioritized', 'waiting-children'] as const) : ([state] as const);
        const jobs = await queue.getJobs([...bullStates], 0, perState - 1, false);
        for (const job of jobs) {
          if (!job || (filter.key !== undefined && job.data.key !== filter.key)) continue;
          found.push(await this.toJob(queue, job, state));
        }
      }
    }
    return found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : 1)).slice(0, limit);
  }

  async counts(type?: string): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
    const types = type !== undefined ? ((await this.isKnownType(checkType(type))) ? [type] : []) : await this.knownTypes();
    for (const each of types) {
      const queue = await this.queue(each);
      const bull = await queue.getJobCounts('waiting', 'prioritized', 'waiting-children', 'paused', 'delayed', 'active', 'completed', 'failed');
      counts.waiting += (bull.waiting ?? 0) + (bull.prioritized ?? 0) + (bull['waiting-children'] ?? 0) + (bull.paused ?? 0);
      counts.delayed += bull.delayed ?? 0;
      counts.active += bull.active ?? 0;
      counts.completed += bull.completed ?? 0;
      counts.failed += bull.failed ?? 0;
    }
    return counts;
  }

  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'started';
    for (const type of this.handlers.keys()) this.startWorker(type);
    this.cleanupTimer = setInterval(() => this.cleanUp(), this.settings.pollMs);
    this.cleanupTimer.unref();
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.cleanupTimer);
    await Promise.all([...this.workers.values()].map((worker) => this.closeWorker(worker, options.drainMs ?? DEFAULT_DRAIN_MS)));
    await this.cleaning;
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  private connect(): Redis {
    // BullMQ needs commands to wait for a reconnection rather than fail after a few retries.
    const connection = new Redis(this.options.url, { maxRetriesPerRequest: null });
    connection.on('error', (error) => this.settings.logger?.error({ err: error }, 'redis connection error'));
    return connection;
  }

  private async queue(type: string): Promise<Queue<JobEnvelope>> {
    let queue = this.queues.get(type);
    if (!queue) {
      queue = new Queue<JobEnvelope>(type, { connection: this.connection, prefix: this.prefix });
      queue.on('error', (error) => this.settings.logger?.error({ err: error, job_type: type }, 'job queue error'));
      this.queues.set(type, queue);
      // Remembered so list() and counts() without a type, and clean-up, can find every queue.
      await this.connection.sadd(`${this.prefix}:job-queue-types`, type);
    }
    return queue;
  }

  private async isKnownType(type: string): Promise<boolean> {
    return this.queues.has(type) || (await this.connection.sismember(`${this.prefix}:job-queue-types`, type)) === 1;
  }

  private async knownTypes(): Promise<string[]> {
    return (await this.connection.smembers(`${this.prefix}:job-queue-types`)).sort();
  }

  private async toJob(queue: Queue<JobEnvelope>, job: BullJob<JobEnvelope>, knownState?: JobState): Promise<Job<unknown>> {
    const state = knownState ?? toJobState(await job.getState()) ?? 'waiting';
    let delayedUntil: number | null = null;
    if (state === 'delayed') {
      // Scores are due times times 4096, the low bits keeping order among jobs due together.
      const score = await this.connection.zscore(queue.keys.delayed!, job.id!);
      if (score !== null) delayedUntil = Math.floor(Number(score) / 0x1000);
    }
    return toJob(job, state, delayedUntil);
  }

  private startWorker(type: string): void {
    const { handler, concurrency } = this.handlers.get(type)!;
    this.queue(type).catch((error: unknown) => this.settings.logger?.error({ err: error, job_type: type }, 'registering a job type failed'));
    const connection = this.connect();
    const inFlight: RedisWorker['inFlight'] = new Map();
    const abortedByClose = { value: false };
    let closedByForce!: () => void;
    const forcedClose = new Promise<void>((resolve) => (closedByForce = resolve));
    const { logger, backoff, leaseMs, aroundRun } = this.settings;
    const worker = new Worker<JobEnvelope>(
      type,
      async (bullJob, token, lockSignal) => {
        const controller = new AbortController();
        // BullMQ aborts this when the job's lock could not be renewed: another worker may have the job.
        lockSignal?.addEventListener('abort', () => controller.abort(new Error('the job lease was lost')));
        let settle!: () => void;
        const done = new Promise<void>((resolve) => (settle = resolve));
        inFlight.set(bullJob.id!, { controller, done });
        const attempts = countedAttempts(bullJob);
        const log = { job_id: bullJob.id, job_type: type, attempts };
        try {
          // Taken again after its worker died on the last allowed attempt: that death was the last attempt.
          if (attempts > (bullJob.opts.attempts ?? DEFAULT_MAX_ATTEMPTS)) {
            logger?.error(log, 'job failed: its worker stopped during the last attempt');
            throw new UnrecoverableError(bullJob.failedReason || 'the worker running the last attempt stopped');
          }
          let outcome: { error: unknown } | undefined;
          try {
            const job = toJob(bullJob, 'active', null);
            await aroundRun(job, () => handler(job, controller.signal));
          } catch (error) {
            outcome = { error };
          }
          // Aborted by close: once the forced close is through, BullMQ drops whatever is returned.
          if (abortedByClose.value) await forcedClose;
          if (outcome) throw outcome.error;
          logger?.debug(log, 'job completed');
        } catch (error) {
          if (error instanceof UnrecoverableError) throw error;
          if (error instanceof RetryLater) {
            await bullJob.updateData({ ...bullJob.data, pauses: (bullJob.data.pauses ?? 0) + 1 });
            await bullJob.moveToDelayed(error.at.getTime(), token);
            logger?.info({ ...log, run_at: error.at.toISOString(), reason: error.message }, 'job paused');
            throw new DelayedError();
          }
          const final = attempts >= (bullJob.opts.attempts ?? DEFAULT_MAX_ATTEMPTS);
          if (final) {
            logger?.error({ ...log, err: error }, 'job failed: no attempts left');
            // BullMQ counts only runs that threw; runs whose worker died count here too, so the queue decides.
            throw new UnrecoverableError(errorMessage(error));
          }
          logger?.warn({ ...log, err: error }, 'job failed: will try again');
          throw new Error(errorMessage(error));
        } finally {
          inFlight.delete(bullJob.id!);
          settle();
        }
      },
      {
        connection,
        prefix: this.prefix,
        concurrency,
        autorun: true,
        // A job's lock is its lease: renewed while it runs, and a job whose lock ran out is taken again.
        lockDuration: leaseMs,
        stalledInterval: leaseMs,
        // A run whose worker died counts as an attempt (see countedAttempts), so BullMQ's own stall limit stays out of the way.
        maxStalledCount: 1000,
        settings: { backoffStrategy: (attemptsMade: number) => backoff(attemptsMade) },
      },
    );
    worker.on('error', (error) => logger?.error({ err: error, job_type: type }, 'job worker error'));
    this.workers.set(type, { worker, connection, inFlight, abortedByClose, forcedClose, closedByForce });
  }

  private async closeWorker({ worker, connection, inFlight, abortedByClose, closedByForce }: RedisWorker, drainMs: number): Promise<void> {
    // BullMQ 5 leaves a rejection unhandled when a worker closes while its connections still start up.
    await worker.waitUntilReady().catch(() => {});
    // Take no more jobs, then give those running drainMs to finish.
    await worker.pause(true);
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all([...inFlight.values()].map((run) => run.done)).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
    ]);
    clearTimeout(timer);
    if (!drained) {
      abortedByClose.value = true;
      for (const run of inFlight.values()) run.controller.abort(new Error('the job queue is closing'));
      this.settings.logger?.warn({ job_type: worker.name, aborted: inFlight.size }, 'job queue closed with jobs in flight: they run again when their locks run out');
    }
    // Forced: BullMQ records nothing for the aborted jobs once its connection is closing, and stops renewing their locks.
    await worker.close(!drained);
    closedByForce();
    await connection.quit().catch(() => connection.disconnect());
  }

  /** Deletes finished jobs past their retention (BullMQ also does it lazily as jobs finish), measured by the queue's clock. */
  private cleanUp(): void {
    const now = this.settings.clock();
    if (this.cleaning || now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    this.cleaning = (async () => {
      try {
        for (const type of await this.knownTypes()) {
          const queue = await this.queue(type);
          // clean() deletes what finished before Date.now() - grace: shift it so the cut-off is clock() - retention.
          const skew = now - Date.now();
          await queue.clean(this.settings.completedRetentionMs - skew, 0, 'completed');
          await queue.clean(this.settings.failedRetentionMs - skew, 0, 'failed');
        }
      } catch (error) {
        this.settings.logger?.error({ err: error }, 'deleting finished jobs failed');
      }
    })().finally(() => (this.cleaning = undefined));
  }
}
