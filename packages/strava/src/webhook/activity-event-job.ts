// A webhook event about an activity is only a hint: the activity is fetched (events carry no
// data) and the data service made to agree with what Strava shows now. An activity that is gone,
// or is no longer a run, is removed.
import type { Job } from '@runnerly/job-queue';
import type { ActivityEventJob } from '../jobs/job-types.js';
import { isRun, startSeconds, toImportedRun, withinDataServiceBounds } from '../import/activity-to-run.js';
import type { ImportContext } from '../import/import-context.js';
import { settleFailure } from '../import/job-outcome.js';
import { StravaNotFoundError } from '../strava-client/errors.js';

export function activityEventHandler(context: ImportContext) {
  return async (job: Job<ActivityEventJob>): Promise<void> => {
    const { sub, linkId, activityId, aspect } = job.payload;
    const link = await context.links.get(sub);
    if (!link || link.linkId !== linkId) return;
    try {
      const activity =
        aspect === 'delete'
          ? undefined
          : await context.tokens
              .withAccessToken(sub, linkId, (accessToken) => context.strava.activity(accessToken, activityId))
              .catch((error: unknown) => {
                if (error instanceof StravaNotFoundError) return undefined;
                throw error;
              });
      const now = Math.floor(context.clock() / 1000);
      const run = activity && isRun(activity) ? toImportedRun(activity) : undefined;
      if (activity && run && withinDataServiceBounds(run)) {
        await context.data.importRuns(sub, [run]);
        await context.importedRuns.record(sub, [String(activity.id)]);
        await context.links.recordProgress(sub, linkId, {
          newest_start: Math.max(link.newestStart ?? 0, startSeconds(activity)),
          last_sync_at: now,
        });
      } else {
        await context.data.deleteRun(sub, String(activityId));
        await context.importedRuns.forget(sub, String(activityId));
        await context.links.recordProgress(sub, linkId, { last_sync_at: now });
      }
    } catch (error) {
      await settleFailure(context, job.payload, error);
    }
  };
}
