// Without a webhook, new activities are found by asking for those after the newest seen. The
// newest start is stored only once the sweep has read to the end, so a sweep cut short is
// simply done again.
import type { Job } from '@runnerly/job-queue';
import { MAX_PER_PAGE } from '../strava-client/strava-client.js';
import type { LinkJob } from '../jobs/job-types.js';
import { importableRuns, startSeconds } from './activity-to-run.js';
import type { ImportContext } from './import-context.js';
import { settleFailure } from './job-outcome.js';

/** More pages than this in one sweep waits for the next sweep (a runner back from a long trip). */
const MAX_PAGES_PER_SWEEP = 20;

export function sweepHandler(context: ImportContext) {
  return async (job: Job<LinkJob>): Promise<void> => {
    const { sub, linkId } = job.payload;
    const link = await context.links.get(sub);
    if (!link || link.linkId !== linkId || !link.historyDone) return;
    try {
      const after = link.newestStart ?? Math.floor(link.linkedAt);
      let newest = after;
      for (let page = 1; page <= MAX_PAGES_PER_SWEEP; page += 1) {
        const activities = await context.tokens.withAccessToken(sub, linkId, (accessToken) =>
          context.strava.listActivities(accessToken, { after, page, perPage: MAX_PER_PAGE }, { background: true }),
        );
        if (activities.length === 0) break;
        const runs = importableRuns(activities);
        if (runs.length > 0) {
          await context.data.importRuns(sub, runs);
          await context.importedRuns.record(sub, runs.map((run) => run.strava_id));
        }
        newest = Math.max(newest, ...activities.map(startSeconds));
        if (activities.length < MAX_PER_PAGE) break;
      }
      await context.links.recordProgress(sub, linkId, { newest_start: newest, last_sync_at: Math.floor(context.clock() / 1000), paused_until: null, last_error: null });
    } catch (error) {
      await settleFailure(context, job.payload, error);
    }
  };
}
