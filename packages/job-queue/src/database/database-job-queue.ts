// The default backend: a jobs table in the host service's own database (SQLite or PostgreSQL).
import type { Kysely } from 'kysely';
import type { CloseOptions, Job, JobHandler, JobOptions, JobQueue, JobState, ListFilter, WorkOptions } from '../job.js';
import { checkJobOptions, checkType, listLimit, serializePayload } from '../job-input.js';
import { queueSettings, type DatabaseQueueOptions, type QueueSettings } from '../options.js';
import { checkConcurrency, DEFAULT_DRAIN_MS } from '../work-options.js';
import { DatabaseWorker } from './database-worker.js';
import { JobStore } from './job-store.js';
import { migrateJobQueue } from './migrate.js';
import type { QueueDatabase } from './schema.js';
import { toJob } from './to-job.js';

/** How often (in clock time) finished jobs past their retention are deleted. */
const CLEANUP_EVERY_MS = 60_000;

export class DatabaseJobQueue implements JobQueue {
  private readonly settings: QueueSettings;
  private readonly store: JobStore;
  private readonly workers = new Map<string, DatabaseWorker>();
  private state: 'new' | 'starting' | 'started' | 'closed' = 'new';
  private cleanupTimer: NodeJS.Timeout | undefined;
  private cleaning: Promise<void> | undefined;
  private lastCleanup = -Infinity;
  private migrated: Promise<void> | undefined;

  constructor(private readonly options: DatabaseQueueOptions) {
    this.settings = queueSettings(options);
    this.store = new JobStore(options.db as Kysely<QueueDatabase>, options.dialect);
  }

  async add<T>(type: string, payload: T, options: JobOptions = {}): Promise<Job<T>> {
    checkType(type);
    await this.ready();
    const now = this.settings.clock();
    const { job, created } = await this.store.insert(type, serializePayload(payload), checkJobOptions(options, now), now);
    if (created) this.workers.get(type)?.wake();
    return toJob<T>(job, now);
  }

  work<T>(type: string, handler: JobHandler<T>, options: WorkOptions = {}): void {
    checkType(type);
    if (this.workers.has(type)) throw new Error(`a handler for job type ${type} is already registered`);
    if (this.state === 'closed') throw new Error('the job queue is closed');
    const worker = new DatabaseWorker(this.store, type, handler as JobHandler<unknown>, checkConcurrency(options.concurrency), this.settings);
    this.workers.set(type, worker);
    if (this.state === 'started') worker.start();
  }

  async get(id: string): Promise<Job<unknown> | null> {
    if (typeof id !== 'string' || id.length === 0 || id.length > 64) return null;
    await this.ready();
    const row = await this.store.get(id);
    return row ? toJob(row, this.settings.clock()) : null;
  }

  async list(filter: ListFilter): Promise<Job<unknown>[]> {
    await this.ready();
    const now = this.settings.clock();
    const rows = await this.store.list({ type: filter.type, key: filter.key, states: filter.state, limit: listLimit(filter) }, now);
    return rows.map((row) => toJob(row, now));
  }

  async counts(type?: string): Promise<Record<JobState, number>> {
    await this.ready();
    return this.store.counts(type, this.settings.clock());
  }

  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'starting';
    await this.ready();
    if (this.state !== 'starting') return; // closed while migrating
    this.state = 'started';
    for (const worker of this.workers.values()) worker.start();
    this.cleanupTimer = setInterval(() => this.cleanUp(), this.settings.pollMs);
    this.cleanupTimer.unref();
    this.cleanUp();
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.cleanupTimer);
    await Promise.all([...this.workers.values()].map((worker) => worker.close(options.drainMs ?? DEFAULT_DRAIN_MS)));
    await this.cleaning;
  }

  /** The table is brought up to date once, by whichever call comes first; a failure is tried again by the next. */
  private ready(): Promise<void> {
    this.migrated ??= migrateJobQueue(this.options.db, this.options.dialect).then(() => undefined, (error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  /** Deletes finished jobs past their retention, at most once a CLEANUP_EVERY_MS of clock time; every instance does it, harmlessly. */
  private cleanUp(): void {
    const now = this.settings.clock();
    if (this.cleaning || now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    this.cleaning = (async () => {
      try {
        const completed = await this.store.deleteFinished('completed', now - this.settings.completedRetentionMs);
        const failed = await this.store.deleteFinished('failed', now - this.settings.failedRetentionMs);
        if (completed + failed > 0) this.settings.logger?.debug({ completed, failed }, 'finished jobs past their retention deleted');
      } catch (error) {
        this.settings.logger?.error({ err: error }, 'deleting finished jobs failed');
      }
    })().finally(() => (this.cleaning = undefined));
  }
}
