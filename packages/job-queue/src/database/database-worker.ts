// Runs the jobs of one type on one instance: takes due jobs while it has free slots, renews the
// leases of those it runs, and records each outcome under the claim it holds.
import type { JobHandler } from '../job.js';
import { errorMessage } from '../job-input.js';
import type { QueueSettings } from '../options.js';
import { RetryLater } from '../retry-later.js';
import type { JobStore, StoredJob } from './job-store.js';
import { toJob } from './to-job.js';

interface Running {
  claims: number;
  controller: AbortController;
  done: Promise<void>;
}

export class DatabaseWorker {
  private readonly running = new Map<string, Running>();
  private loop: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopping = false;
  private wakeUp: (() => void) | undefined;
  private wakeRequested = false;

  constructor(
    private readonly store: JobStore,
    readonly type: string,
    private readonly handler: JobHandler<unknown>,
    private readonly concurrency: number,
    private readonly settings: QueueSettings,
  ) {}

  start(): void {
    if (this.loop || this.stopping) return;
    // Renewing at a third of the lease leaves two chances before it runs out.
    this.heartbeat = setInterval(() => void this.renewLeases(), Math.max(10, this.settings.leaseMs / 3));
    this.heartbeat.unref();
    this.loop = this.takeJobs();
  }

  /** Looks for jobs now rather than at the next poll (a job was added here, or a slot freed). */
  wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  /** Takes no more jobs, waits up to drainMs for those running, then aborts the rest (their leases run out). */
  async close(drainMs: number): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    const inFlight = [...this.running.values()];
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(inFlight.map((run) => run.done)).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
    ]);
    clearTimeout(timer);
    clearInterval(this.heartbeat);
    if (!drained) {
      for (const run of this.running.values()) run.controller.abort(new Error('the job queue is closing'));
      this.settings.logger?.warn({ job_type: this.type, aborted: this.running.size }, 'job queue closed with jobs in flight: they run again when their leases run out');
    }
  }

  private async takeJobs(): Promise<void> {
    while (!this.stopping) {
      this.wakeRequested = false;
      const free = this.concurrency - this.running.size;
      let taken = 0;
      if (free > 0) {
        try {
          const now = this.settings.clock();
          const jobs = await this.store.claim(this.type, now, now + this.settings.leaseMs, free);
          taken = jobs.length;
          // Closing while the claim was in flight: run what was taken anyway, or it waits out its lease.
          for (const job of jobs) this.run(job);
        } catch (error) {
          this.settings.logger?.error({ err: error, job_type: this.type }, 'taking jobs failed');
        }
      }
      // A full take suggests more is due; otherwise wait for a poll, an add or a free slot.
      if (this.stopping || (free > 0 && taken === free)) continue;
      if (!this.wakeRequested) await this.sleep(this.settings.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  private run(row: StoredJob): void {
    const controller = new AbortController();
    const entry: Running = { claims: row.claims, controller, done: Promise.resolve() };
    entry.done = this.execute(row, controller).finally(() => {
      // This worker may have taken the job again after losing its lease: leave that newer run's entry.
      if (this.running.get(row.id) === entry) this.running.delete(row.id);
      if (!this.stopping) this.wake();
    });
    this.running.set(row.id, entry);
  }

  private async execute(row: StoredJob, controller: AbortController): Promise<void> {
    const { logger, clock } = this.settings;
    const log = { job_id: row.id, job_type: row.type, attempts: row.attempts };
    try {
      // Taken again after its worker died on the last allowed attempt: that death was the last attempt.
      if (row.attempts > row.max_attempts) {
        await this.store.fail(row.id, row.claims, row.last_error ?? 'the worker running the last attempt stopped', clock());
        logger?.error(log, 'job failed: its worker stopped during the last attempt');
        return;
      }
      let outcome: { error: unknown } | undefined;
      try {
        const job = toJob(row, clock());
        await this.settings.aroundRun(job, () => this.handler(job, controller.signal));
      } catch (error) {
        outcome = { error };
      }
      // Aborted: the lease was lost (another worker has the job) or the queue closed; the job is not ours to record.
      if (controller.signal.aborted) return;
      const now = clock();
      if (!outcome) {
        await this.store.complete(row.id, row.claims, now);
        logger?.debug(log, 'job completed');
      } else if (outcome.error instanceof RetryLater) {
        await this.store.reschedule(row.id, row.claims, outcome.error.at.getTime(), now, { refundAttempt: true });
        logger?.info({ ...log, run_at: outcome.error.at.toISOString(), reason: outcome.error.message }, 'job paused');
      } else if (row.attempts >= row.max_attempts) {
        await this.store.fail(row.id, row.claims, errorMessage(outcome.error), now);
        logger?.error({ ...log, err: outcome.error }, 'job failed: no attempts left');
      } else {
        const retryInMs = this.settings.backoff(row.attempts);
        await this.store.reschedule(row.id, row.claims, now + retryInMs, now, { error: errorMessage(outcome.error) });
        logger?.warn({ ...log, err: outcome.error, retry_in_ms: retryInMs }, 'job failed: will try again');
      }
    } catch (error) {
      // The database failed: the lease runs out and the job runs again.
      logger?.error({ ...log, err: error }, 'recording a job outcome failed');
    }
  }

  private async renewLeases(): Promise<void> {
    const leaseUntil = this.settings.clock() + this.settings.leaseMs;
    await Promise.all(
      [...this.running].map(async ([id, run]) => {
        if (run.controller.signal.aborted) return;
        try {
          if (!(await this.store.renew(id, run.claims, leaseUntil))) {
            run.controller.abort(new Error('the job lease was lost'));
            this.settings.logger?.warn({ job_id: id, job_type: this.type }, 'job lease lost: another worker may run it');
          }
        } catch (error) {
          this.settings.logger?.error({ err: error, job_id: id }, 'renewing a job lease failed');
        }
      }),
    );
  }
}
