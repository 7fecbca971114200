// BullMQ's view of a job, in the queue's terms.
import type { Job as BullJob, JobState as BullState } from 'bullmq';
import type { Job, JobState } from '../job.js';

/** What the queue stores as BullMQ job data: the payload, and the key BullMQ's deduplication id also holds. */
export interface JobEnvelope {
  key: string | null;
  payload: unknown;
  /** Runs that ended in RetryLater: BullMQ counts them as started, the queue does not count them. */
  pauses?: number;
}

/** Runs counted: every run started (a run whose worker died included), less the pauses. */
export function countedAttempts(job: BullJob<JobEnvelope>): number {
  return job.attemptsStarted - (job.data.pauses ?? 0);
}

export function toJobState(state: BullState | 'unknown'): JobState | null {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    case 'delayed':
    case 'active':
    case 'completed':
    case 'failed':
      return state;
    default:
      return null;
  }
}

/** `delayedUntil`: the due time of a delayed job, read from the delayed set. */
export function toJob<T>(job: BullJob<JobEnvelope>, state: JobState, delayedUntil: number | null): Job<T> {
  const createdAt = job.timestamp;
  const updatedAt = Math.max(createdAt, job.processedOn ?? 0, job.finishedOn ?? 0);
  return {
    id: job.id!,
    type: job.name,
    key: job.data.key,
    payload: job.data.payload as T,
    attempts: countedAttempts(job),
    state,
    runAt: new Date(delayedUntil ?? job.processedOn ?? createdAt + (job.opts.delay ?? 0)),
    lastError: job.failedReason ? job.failedReason : null,
    createdAt: new Date(createdAt),
    updatedAt: new Date(updatedAt),
  };
}
