// The athlete revoked Runnerly's access at Strava (`authorized: false`): the link ends and its
// tokens are deleted. The imported runs stay until the runner asks for them to go (Strava's terms).
import type { Job } from '@runnerly/job-queue';
import type { DeauthorizedJob } from '../jobs/job-types.js';
import type { ImportContext } from '../import/import-context.js';

export function deauthorizedHandler(context: ImportContext) {
  return async (job: Job<DeauthorizedJob>): Promise<void> => {
    const link = await context.links.getByAthlete(job.payload.athleteId);
    if (!link) return;
    await context.links.remove(link.sub, link.linkId);
    context.logger.info({ sub: link.sub }, 'Strava access revoked by the athlete: link ended, tokens deleted');
  };
}
