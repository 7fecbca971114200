// A span around each background job run: the root of a new trace (no request started it), named
// after the job's type and active while its handler runs, so its log lines carry its trace id and
// its outgoing calls become its client spans. Given to @runnerly/job-queue as its `aroundRun`.
import { SpanStatusCode } from '@opentelemetry/api';
import { withSpan } from './active.js';
import type { Tracing } from './tracing.js';

/** What a job queue tells about the run (the fields of @runnerly/job-queue's Job). */
export interface JobRun {
  id: string;
  type: string;
  /** Left out by work that does not count its attempts (a month of reports). */
  attempts?: number;
}

export type AroundJobRun = (job: JobRun, run: () => Promise<void>) => Promise<void>;

/** undefined with tracing off: the queue then runs handlers as they are, at no cost. */
export function traceJobRuns(tracing: Tracing): AroundJobRun | undefined {
  if (!tracing.enabled) return undefined;
  return async (job, run) => {
    const span = tracing.startRootSpan(job.type, { 'runnerly.job.id': job.id, 'runnerly.job.type': job.type, ...(job.attempts === undefined ? {} : { 'runnerly.job.attempt': job.attempts }) });
    try {
      await withSpan(span, run);
    } catch (error) {
      // RetryLater is a pause the job was told to take (a rate limit), not a failure.
      if (!(error instanceof Error && error.name === 'RetryLater')) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
      throw error;
    } finally {
      span.end();
    }
  };
}
