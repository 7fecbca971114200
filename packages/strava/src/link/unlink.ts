// The runner ends the link: Strava is told (deauthorize, all the athlete's tokens for Runnerly),
// the tokens are deleted with the row (jobs still queued for the link find it gone and do
// nothing), and the imported runs are deleted when asked. Deleting runs works without a link too
// (after the athlete revoked access at Strava, the runs stay until the runner asks).
import { ProblemError } from '@runnerly/http-service';
import type { ServiceContext } from '../service-context.js';
import { LinkGoneError } from '../tokens/athlete-tokens.js';

export interface UnlinkOutcome {
  unlinked: boolean;
  strava_deauthorized: boolean;
  runs_deleted: number | null;
}

export async function unlink(context: ServiceContext, sub: string, deleteRuns: boolean): Promise<UnlinkOutcome> {
  const link = await context.links.get(sub);
  let deauthorized = false;
  if (link) {
    try {
      await context.tokens.withAccessToken(sub, link.linkId, (accessToken) => context.strava.deauthorize(accessToken));
      deauthorized = true;
    } catch (error) {
      // The runner asked for the link to end: it ends here even when Strava cannot be told now.
      if (!(error instanceof LinkGoneError)) context.logger.warn({ err: error, sub }, 'Strava deauthorization failed; the tokens are deleted anyway');
    }
    await context.links.remove(sub, link.linkId);
  }
  let runsDeleted: number | null = null;
  if (deleteRuns) {
    try {
      runsDeleted = await context.data.deleteStravaRuns(sub);
      await context.importedRuns.forgetAll(sub);
    } catch (error) {
      context.logger.error({ err: error, sub }, 'deleting the Strava runs failed');
      throw new ProblemError(502, 'Bad Gateway', `${link ? 'the link has ended, but ' : ''}the imported runs could not be deleted now; ask again`, { type: 'urn:runnerly:problem:dataservice-unavailable' });
    }
  }
  return { unlinked: link !== undefined, strava_deauthorized: deauthorized, runs_deleted: runsDeleted };
}
