// What reports and plans read about any runner (scope runs:read:all): profile, runs by month or
// range, totals, and which runners ran in a month.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { badRequest, notFound } from '@runnerly/http-service';
import { decodeSubjectCursor, encodeCursor } from '../../domain/page-cursor.js';
import { monthRange } from '../../domain/time-zone.js';
import { bearerSecurity, errorResponses, type RouteContext } from '../../http/route-support.js';
import { monthOfRuns, rangeOfRuns, totalsOf, yearMonth } from '../../runs/run-queries.js';
import { Cursor, Limit, Nullable, SubParams } from '../../schemas/common.js';
import { ProfileSchema, type Profile } from '../../schemas/profile-schemas.js';
import { InternalRunsQuery, RunListSchema, TotalsQuery, TotalsSchema } from '../../schemas/run-schemas.js';
import { InternalScope } from '../../scopes.js';
import { TOTALS_DESCRIPTION } from '../public/totals-routes.js';

const RunnersQuery = Type.Object(
  {
    active_in: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'a month, YYYY-MM' }),
    limit: Type.Optional(Limit(1000, 500)),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
const RunnerListSchema = Type.Object(
  {
    runners: Type.Array(Type.String(), { description: 'subjects of runners with a run started in the month on their own calendar' }),
    next_cursor: Nullable(Type.String({ description: 'null once every runner has been listed; a page may hold fewer than limit' })),
  },
  { $id: 'RunnerList', additionalProperties: false },
);

/** The widest UTC offsets in use (-12:00 to +14:00): a month on any runner's calendar lies inside this margin. */
const OFFSET_MARGIN = 14 * 3600;

export function internalReadRoutes(app: FastifyInstance, context: RouteContext): void {
  const canReadAll = app.requireAccess({ audience: context.config.serviceAudience, subject: 'client', scopes: [InternalScope.runsReadAll] });
  const { runs, profiles } = context.storage;

  async function runner(sub: string): Promise<Profile> {
    const profile = await profiles.find(sub);
    if (!profile) throw notFound('no such runner');
    return profile;
  }

  app.get<{ Params: Static<typeof SubParams> }>(
    '/internal/users/:sub',
    { preHandler: canReadAll, schema: { tags: ['internal'], summary: "A runner's profile; scope `runs:read:all`", security: bearerSecurity, params: SubParams, response: { 200: Type.Ref(ProfileSchema), ...errorResponses(400, 404) } } },
    async (request) => runner(request.params.sub),
  );

  app.get<{ Params: Static<typeof SubParams>; Querystring: InternalRunsQuery }>(
    '/internal/users/:sub/runs',
    {
      preHandler: canReadAll,
      schema: {
        tags: ['internal'],
        summary: "A runner's runs by month (`year`, `month`) or by days (`from`, `to`, both included, at most 366 days); scope `runs:read:all`",
        description: "On the runner's calendar (profile time zone), oldest first, at most 1000 runs.",
        security: bearerSecurity,
        params: SubParams,
        querystring: InternalRunsQuery,
        response: { 200: Type.Ref(RunListSchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const month = yearMonth(request.query);
      if (month && (from !== undefined || to !== undefined)) throw badRequest(from !== undefined ? 'from' : 'to', 'cannot be combined with year and month');
      if (!month && (from === undefined || to === undefined)) throw badRequest(from === undefined ? 'from' : 'to', 'is required (or give year and month)');
      const profile = await runner(request.params.sub);
      return month ? monthOfRuns(runs, profile, month.year, month.month) : rangeOfRuns(runs, profile, from!, to!);
    },
  );

  app.get<{ Params: Static<typeof SubParams>; Querystring: TotalsQuery }>(
    '/internal/users/:sub/totals',
    {
      preHandler: canReadAll,
      schema: {
        tags: ['internal'],
        summary: "A runner's totals per week or month; scope `runs:read:all`",
        description: TOTALS_DESCRIPTION,
        security: bearerSecurity,
        params: SubParams,
        querystring: TotalsQuery,
        response: { 200: Type.Ref(TotalsSchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => totalsOf(runs, await runner(request.params.sub), request.query.from, request.query.to, request.query.period),
  );

  app.get<{ Querystring: Static<typeof RunnersQuery> }>(
    '/internal/runners',
    {
      preHandler: canReadAll,
      schema: {
        tags: ['internal'],
        summary: 'Runners with runs in a month, by subject; scope `runs:read:all`',
        description: 'Pages of at most `limit` (default 500); continue with `cursor` while `next_cursor` is not null (a page may be shorter than limit).',
        security: bearerSecurity,
        querystring: RunnersQuery,
        response: { 200: RunnerListSchema, ...errorResponses(400) },
      },
    },
    async (request) => {
      const [year, month] = request.query.active_in.split('-').map(Number) as [number, number];
      const limit = request.query.limit ?? 500;
      const after = request.query.cursor === undefined ? undefined : decodeSubjectCursor(request.query.cursor);
      const [utcStart, utcEnd] = monthRange(year, month, 'UTC');
      // Candidates ran within the month give or take any offset; each is then checked on its own calendar.
      const candidates = await runs.runnersWithRunsBetween(utcStart - OFFSET_MARGIN, utcEnd + OFFSET_MARGIN, after, limit);
      const active: string[] = [];
      for (const sub of candidates) {
        const zone = (await profiles.find(sub))?.timezone ?? 'UTC';
        const [start, end] = monthRange(year, month, zone);
        if (await runs.hasRunBetween(sub, start, end)) active.push(sub);
      }
      const last = candidates[candidates.length - 1];
      return { runners: active, next_cursor: candidates.length === limit && last !== undefined ? encodeCursor([last]) : null };
    },
  );
}
