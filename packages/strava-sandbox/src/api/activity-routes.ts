import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { missingPermission, notFound } from '../http/faults.js';
import { canReadActivities, canReadPrivateActivities } from '../oauth/scopes.js';
import type { Activity } from '../athletes/model.js';
import type { AccessToken } from '../oauth/token-store.js';
import { detailedActivity, summaryActivity } from './activity-json.js';
import { activityStreams, STREAM_TYPES, type StreamType } from './streams.js';

export const MAX_PER_PAGE = 200;
export const DEFAULT_PER_PAGE = 30;

const ListQuery = Type.Object({
  before: Type.Optional(Type.Integer({ minimum: 0 })),
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1 })),
});

const ActivityParams = Type.Object({ id: Type.String({ maxLength: 20 }) });

const StreamsQuery = Type.Object({
  keys: Type.Optional(Type.String({ maxLength: 500 })),
  key_by_type: Type.Optional(Type.Boolean()),
});

function requireActivityRead(access: AccessToken): void {
  if (!canReadActivities(access.scopes)) throw missingPermission('activity:read_permission');
}

/** The activity when the token may see it; another athlete's, or a private one without activity:read_all, is not found. */
function visibleActivity(context: SandboxContext, access: AccessToken, rawId: string): Activity {
  const activity = /^\d{1,16}$/.test(rawId) ? context.activities.activity(Number(rawId)) : undefined;
  if (!activity || activity.athleteId !== access.athleteId || (activity.private && !canReadPrivateActivities(access.scopes))) {
    throw notFound('Activity');
  }
  return activity;
}

export function activityRoutes(app: FastifyInstance, context: SandboxContext): void {
  /** Newest first; `per_page` above 200 is read as 200 (as Strava does); a page past the end is empty. */
  app.get<{ Querystring: Static<typeof ListQuery> }>('/athlete/activities', { schema: { querystring: ListQuery } }, async (request) => {
    const access = request.stravaAccess!;
    requireActivityRead(access);
    const { before, after, page = 1 } = request.query;
    const perPage = Math.min(request.query.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
    const all = context.activities.listActivities(access.athleteId, { before, after, includePrivate: canReadPrivateActivities(access.scopes) });
    return all.slice((page - 1) * perPage, page * perPage).map(summaryActivity);
  });

  app.get<{ Params: Static<typeof ActivityParams> }>('/activities/:id', { schema: { params: ActivityParams } }, async (request) => {
    const access = request.stravaAccess!;
    requireActivityRead(access);
    return detailedActivity(visibleActivity(context, access, request.params.id));
  });

  /** `keys` is a comma-separated list; `distance` always comes too (it is the series type). */
  app.get<{ Params: Static<typeof ActivityParams>; Querystring: Static<typeof StreamsQuery> }>(
    '/activities/:id/streams',
    { schema: { params: ActivityParams, querystring: StreamsQuery } },
    async (request) => {
      const access = request.stravaAccess!;
      requireActivityRead(access);
      const activity = visibleActivity(context, access, request.params.id);
      const asked = (request.query.keys ?? '').split(',').map((key) => key.trim());
      const keys = STREAM_TYPES.filter((type) => type === 'distance' || asked.includes(type)) as StreamType[];
      const streams = activityStreams(activity, keys);
      if (request.query.key_by_type) return Object.fromEntries(streams.map(({ type, ...rest }) => [type, rest]));
      return streams;
    },
  );
}
