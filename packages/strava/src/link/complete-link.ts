// Step two, Strava's redirect back: the state must be one we issued (and not used or expired),
// the athlete must have granted an activity scope, then the code is exchanged, the tokens stored
// sealed and the history import queued. The browser goes back to where the runner started, with
// strava=linked or strava=error&reason=... (and missing=... for a scope left unticked).
import { randomUUID } from 'node:crypto';
import { withOutcome } from '../config/return-urls.js';
import { HISTORY_JOB, historyKey, type LinkJob } from '../jobs/job-types.js';
import { missingActivityScope, parseGrantedScopes } from '../oauth/scopes.js';
import type { ServiceContext } from '../service-context.js';
import { AthleteLinkedElsewhereError, RunnerLinkedElsewhereError } from '../storage/link-store.js';
import { StravaGrantError } from '../strava-client/errors.js';

export interface CallbackQuery {
  code?: string;
  state?: string;
  scope?: string;
  error?: string;
}

/** Where to send the browser. */
export async function completeLink(context: ServiceContext, query: CallbackQuery): Promise<string> {
  const fallback = context.config.returnUrls[0]!;
  const pending = query.state ? await context.states.take(query.state) : undefined;
  if (!pending || pending.expiresAt <= Math.floor(context.clock() / 1000)) {
    return withOutcome(fallback, { strava: 'error', reason: 'invalid_state' });
  }
  const fail = (reason: string, extra: Record<string, string> = {}) => withOutcome(pending.returnTo, { strava: 'error', reason, ...extra });
  if (query.error !== undefined) return fail(query.error === 'access_denied' ? 'access_denied' : 'strava_error');
  if (!query.code) return fail('missing_code');
  const granted = parseGrantedScopes(query.scope);
  const missing = missingActivityScope(granted);
  if (missing !== undefined) return fail('missing_scope', { missing });

  const outcome = await linkWithCode(context, pending.sub, query.code, granted);
  if (outcome !== 'linked') return fail(outcome);
  return withOutcome(pending.returnTo, { strava: 'linked' });
}

export type LinkOutcome = 'linked' | 'invalid_code' | 'strava_unavailable' | 'strava_error' | 'athlete_linked_to_another_runner' | 'already_linked_to_another_athlete';

/** Exchanges a Strava authorization code for the runner, stores the tokens sealed and queues the history import. */
export async function linkWithCode(context: ServiceContext, sub: string, code: string, granted: string[]): Promise<LinkOutcome> {
  let answer;
  try {
    answer = await context.strava.exchangeCode(code);
  } catch (error) {
    context.logger.warn({ err: error, sub }, 'Strava code exchange failed');
    return error instanceof StravaGrantError ? 'invalid_code' : 'strava_unavailable';
  }
  if (!answer.athlete) return 'strava_error';
  const now = context.clock();
  let linkId: string;
  let created: boolean;
  try {
    ({ linkId, created } = await context.links.link({
      sub,
      athleteId: answer.athlete.id,
      linkId: randomUUID(),
      scopes: granted,
      tokens: { accessToken: answer.access_token, refreshToken: answer.refresh_token, expiresAt: answer.expires_at },
      linkedAt: Math.floor(now / 1000),
    }));
  } catch (error) {
    if (error instanceof AthleteLinkedElsewhereError) return 'athlete_linked_to_another_runner';
    if (error instanceof RunnerLinkedElsewhereError) return 'already_linked_to_another_athlete';
    throw error;
  }
  // The same athlete again gets new tokens on its link; its import (done, or a job still queued) goes on as it was.
  if (!created) {
    context.logger.info({ sub }, 'Strava link renewed');
    return 'linked';
  }
  await context.queue.add<LinkJob>(HISTORY_JOB, { sub, linkId }, { key: historyKey(sub) });
  context.logger.info({ sub }, 'Strava linked; history import queued');
  return 'linked';
}
