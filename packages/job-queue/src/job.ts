// The face every backend shows: what a job is, how it is added and how it is worked.

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

export const JOB_STATES: readonly JobState[] = ['waiting', 'delayed', 'active', 'completed', 'failed'];

export interface JobOptions {
  /** Dedupe: while a job of the same type with this key is waiting, delayed or active, add() returns that job instead. */
  key?: string;
  /** Not before this time. */
  runAt?: Date;
  /** Not before this many milliseconds from now (ignored when runAt is given). */
  delayMs?: number;
  /** Runs that may fail before the job is given up as failed; default 8. */
  maxAttempts?: number;
  /** Lower runs first; default 0 (the most urgent). */
  priority?: number;
}

export interface Job<T> {
  id: string;
  type: string;
  key: string | null;
  payload: T;
  /** Runs counted so far, the current one included while active. A RetryLater does not count. */
  attempts: number;
  state: JobState;
  /** When the job is (or was) due. */
  runAt: Date;
  /** The message of the last error a run threw; kept when the job later completes or fails. */
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type JobHandler<T> = (job: Job<T>, signal: AbortSignal) => Promise<void>;

export interface WorkOptions {
  /** Jobs of this type this instance runs at once; default 1. */
  concurrency?: number;
}

export interface ListFilter {
  type?: string;
  key?: string;
  state?: JobState[];
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface CloseOptions {
  /** How long to wait for jobs in flight before aborting them; default 10 s. */
  drainMs?: number;
}

export interface JobQueue {
  add<T>(type: string, payload: T, options?: JobOptions): Promise<Job<T>>;
  /** Registers the handler of a type; it runs once start() is called (at once if already started). One handler per type. */
  work<T>(type: string, handler: JobHandler<T>, options?: WorkOptions): void;
  get(id: string): Promise<Job<unknown> | null>;
  /** Newest first. */
  list(filter: ListFilter): Promise<Job<unknown>[]>;
  counts(type?: string): Promise<Record<JobState, number>>;
  /** Prepares the store (migrations on a database) and starts the workers registered so far. */
  start(): Promise<void>;
  /** Stops taking jobs, waits up to drainMs for those in flight, then aborts the rest: their leases run out and they run again. */
  close(options?: CloseOptions): Promise<void>;
}
