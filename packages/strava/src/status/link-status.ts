// What a runner sees of their link and import. Never a token.
import { Type, type Static } from '@sinclair/typebox';
import { HISTORY_JOB, historyKey } from '../jobs/job-types.js';
import type { ServiceContext } from '../service-context.js';

const isoOrNull = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const LinkStatusSchema = Type.Object(
  {
    linked: Type.Boolean(),
    athlete_id: Type.Union([Type.Integer(), Type.Null()]),
    state: Type.Union(['not_linked', 'importing', 'idle', 'paused', 'failed'].map((state) => Type.Literal(state))),
    imported: Type.Integer({ description: 'runs imported from Strava (still in the data service)' }),
    total: Type.Union([Type.Integer(), Type.Null()], { description: 'runs in the whole history, once read to the end' }),
    paused_until: isoOrNull,
    last_error: Type.Union([Type.String(), Type.Null()]),
    last_sync_at: isoOrNull,
  },
  { $id: 'StravaLinkStatus', additionalProperties: false },
);
export type LinkStatus = Static<typeof LinkStatusSchema>;

const iso = (seconds: number | null): string | null => (seconds === null ? null : new Date(seconds * 1000).toISOString());

export async function linkStatus(context: ServiceContext, sub: string): Promise<LinkStatus> {
  const link = await context.links.get(sub);
  if (!link) return { linked: false, athlete_id: null, state: 'not_linked', imported: 0, total: null, paused_until: null, last_error: null, last_sync_at: null };
  const [latest] = await context.queue.list({ type: HISTORY_JOB, key: historyKey(sub), limit: 1 });
  const now = context.clock() / 1000;
  const failed = latest?.state === 'failed' && !link.historyDone;
  const paused = link.pausedUntil !== null && link.pausedUntil > now;
  const state = failed ? 'failed' : paused ? 'paused' : link.historyDone ? 'idle' : 'importing';
  return {
    linked: true,
    athlete_id: link.athleteId,
    state,
    imported: await context.importedRuns.count(sub),
    total: link.total,
    paused_until: paused ? iso(link.pausedUntil) : null,
    last_error: link.lastError ?? (failed ? latest.lastError : null),
    last_sync_at: iso(link.lastSyncAt),
  };
}
