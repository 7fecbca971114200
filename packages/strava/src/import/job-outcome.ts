// How a failed step of an import job ends: a rate limit pauses the job until the window resets
// (no attempt spent), an ended link finishes it quietly, anything else is recorded on the link
// for the runner's status and retried by the queue with backoff.
import { RetryLater } from '@runnerly/job-queue';
import { StravaRateLimitedError } from '../strava-client/errors.js';
import { LinkGoneError } from '../tokens/athlete-tokens.js';
import type { ImportContext } from './import-context.js';
import type { LinkJob } from '../jobs/job-types.js';

export async function settleFailure(context: ImportContext, job: LinkJob, error: unknown): Promise<void> {
  if (error instanceof StravaRateLimitedError) {
    await context.links.recordProgress(job.sub, job.linkId, { paused_until: Math.ceil(error.resetAt / 1000) });
    throw new RetryLater(new Date(error.resetAt), 'Strava rate limit: waiting for the window to reset');
  }
  if (error instanceof LinkGoneError) {
    await context.links.recordProgress(job.sub, job.linkId, { last_error: error.message, paused_until: null });
    context.logger.info({ sub: job.sub, reason: error.message }, 'import stopped: the link has ended');
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  await context.links.recordProgress(job.sub, job.linkId, { last_error: message.slice(0, 500), paused_until: null });
  throw error;
}
