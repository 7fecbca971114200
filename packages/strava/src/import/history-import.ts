// A runner's history, newest first, one page of `athlete/activities` per job run. The page's
// `before` cursor is stored with the progress after the page's runs are in the data service, so
// a restart resumes at the next page (a crash between the two re-sends one page: the data
// service's upsert makes that harmless). After each page the job steps back in line
// (RetryLater now), so with several runners importing each gets one page per turn.
import { RetryLater, type Job } from '@runnerly/job-queue';
import { MAX_PER_PAGE } from '../strava-client/strava-client.js';
import type { LinkJob } from '../jobs/job-types.js';
import { importableRuns, startSeconds } from './activity-to-run.js';
import type { ImportContext } from './import-context.js';
import { settleFailure } from './job-outcome.js';

export function historyImportHandler(context: ImportContext) {
  return async (job: Job<LinkJob>): Promise<void> => {
    const { sub, linkId } = job.payload;
    const link = await context.links.get(sub);
    if (!link || link.linkId !== linkId || link.historyDone) return;
    let more: boolean;
    try {
      more = await importNextPage(context, job.payload, link.historyBefore, link.newestStart);
    } catch (error) {
      await settleFailure(context, job.payload, error);
      return;
    }
    if (more) throw new RetryLater(new Date(context.clock()), 'next page after the other runners');
  };
}

/** Imports the page before `before`; false when the history has been read to the end. */
async function importNextPage(context: ImportContext, job: LinkJob, before: number | null, newestStart: number | null): Promise<boolean> {
  const page = await context.tokens.withAccessToken(job.sub, job.linkId, (accessToken) =>
    context.strava.listActivities(accessToken, { ...(before === null ? {} : { before }), perPage: MAX_PER_PAGE }, { background: true }),
  );
  const now = Math.floor(context.clock() / 1000);
  if (page.length === 0) {
    const total = await context.importedRuns.count(job.sub);
    await context.links.recordProgress(job.sub, job.linkId, { history_done: 1, total, last_sync_at: now, paused_until: null, last_error: null });
    context.logger.info({ sub: job.sub, imported: total }, 'Strava history imported');
    return false;
  }
  const runs = importableRuns(page);
  if (runs.length > 0) {
    await context.data.importRuns(job.sub, runs);
    await context.importedRuns.record(job.sub, runs.map((run) => run.strava_id));
  }
  const starts = page.map(startSeconds);
  const oldest = Math.min(...starts);
  const newest = Math.max(...starts, newestStart ?? 0);
  // `before` is exclusive: activities sharing the oldest second could straddle the page edge, so
  // the next page starts one second later (re-reading those few) unless the whole page is that second.
  const nextBefore = starts.every((start) => start === oldest) ? oldest : oldest + 1;
  await context.links.recordProgress(job.sub, job.linkId, {
    history_before: nextBefore,
    newest_start: newest,
    last_sync_at: now,
    paused_until: null,
    last_error: null,
  });
  return true;
}
