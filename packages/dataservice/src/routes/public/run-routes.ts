// The runner's runs: a month, a page, one run; manual runs written by the runner.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { badRequest, notFound } from '@runnerly/http-service';
import { bearerSecurity, errorResponses, nowText, pathRunner, type RouteContext } from '../../http/route-support.js';
import { monthOfRuns, pageOfRuns, yearMonth } from '../../runs/run-queries.js';
import { toRunValues } from '../../runs/run-input.js';
import { IdParam, SubParams } from '../../schemas/common.js';
import { NewRunSchema, RunChangesSchema, RunListSchema, RunSchema, RunsQuery, type NewRun, type Run, type RunChanges } from '../../schemas/run-schemas.js';
import { PublicScope } from '../../scopes.js';

const RunParams = Type.Composite([SubParams, Type.Object({ id: IdParam })], { additionalProperties: false });
type RunParams = Static<typeof RunParams>;

/** Of a run imported from Strava or a file, only these can change: the source stays the truth for the rest. */
const IMPORTED_RUN_EDITABLE = new Set(['name', 'description']);

function asInput(run: Run): NewRun {
  return {
    name: run.name,
    description: run.description,
    sport_type: run.sport_type,
    start_date: run.start_date,
    timezone: run.timezone,
    distance: run.distance,
    moving_time: run.moving_time,
    elapsed_time: run.elapsed_time,
    total_elevation_gain: run.total_elevation_gain,
    average_speed: run.average_speed,
    max_speed: run.max_speed,
    average_heartrate: run.average_heartrate,
    max_heartrate: run.max_heartrate,
    summary_polyline: run.summary_polyline,
  };
}

export function runRoutes(app: FastifyInstance, context: RouteContext): void {
  const { publicAudience } = context.config;
  const canRead = app.requireAccess({ audience: publicAudience, subject: 'user', scopes: [PublicScope.runsRead] });
  const canWrite = app.requireAccess({ audience: publicAudience, subject: 'user', scopes: [PublicScope.runsWrite] });
  const { runs } = context.storage;

  app.get<{ Params: Static<typeof SubParams>; Querystring: RunsQuery }>(
    '/api/data/users/:sub/runs',
    {
      preHandler: canRead,
      schema: {
        tags: ['runs'],
        summary: 'A month of runs, or a page of the most recent',
        description:
          "`year` and `month`: the runs started in that month on the runner's calendar (profile time zone), oldest first, at most 1000. " +
          'Otherwise the most recent first, `limit` (1 to 200, default 50) per page, with `next_cursor` to pass as `cursor` for the next page.',
        security: bearerSecurity,
        params: SubParams,
        querystring: RunsQuery,
        response: { 200: Type.Ref(RunListSchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const profile = await pathRunner(context, request, request.params.sub);
      const month = yearMonth(request.query);
      if (month) {
        if (request.query.limit !== undefined) throw badRequest('limit', 'cannot be combined with year and month');
        if (request.query.cursor !== undefined) throw badRequest('cursor', 'cannot be combined with year and month');
        return monthOfRuns(runs, profile, month.year, month.month);
      }
      return pageOfRuns(runs, profile, request.query.limit, request.query.cursor);
    },
  );

  app.post<{ Params: Static<typeof SubParams>; Body: NewRun }>(
    '/api/data/users/:sub/runs',
    {
      preHandler: canWrite,
      schema: {
        tags: ['runs'],
        summary: 'Adds a manual run',
        security: bearerSecurity,
        params: SubParams,
        body: NewRunSchema,
        response: { 201: Type.Ref(RunSchema), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const profile = await pathRunner(context, request, request.params.sub);
      const run = await runs.createManual(profile.id, toRunValues(request.body, profile.timezone), nowText(context));
      return reply.code(201).header('location', `/api/data/users/${encodeURIComponent(request.params.sub)}/runs/${run.id}`).send(run);
    },
  );

  app.get<{ Params: RunParams }>(
    '/api/data/users/:sub/runs/:id',
    {
      preHandler: canRead,
      schema: { tags: ['runs'], summary: 'One run', security: bearerSecurity, params: RunParams, response: { 200: Type.Ref(RunSchema), ...errorResponses(400, 404) } },
    },
    async (request) => {
      const profile = await pathRunner(context, request, request.params.sub);
      const run = await runs.find(profile.id, request.params.id);
      if (!run) throw notFound('no such run');
      return run;
    },
  );

  app.patch<{ Params: RunParams; Body: RunChanges }>(
    '/api/data/users/:sub/runs/:id',
    {
      preHandler: canWrite,
      schema: {
        tags: ['runs'],
        summary: 'Changes a run (of a Strava or file run, only name and description; its source stays)',
        security: bearerSecurity,
        params: RunParams,
        body: RunChangesSchema,
        response: { 200: Type.Ref(RunSchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const profile = await pathRunner(context, request, request.params.sub);
      const run = await runs.find(profile.id, request.params.id);
      if (!run) throw notFound('no such run');
      if (run.source !== 'manual') {
        const fixed = Object.keys(request.body).find((key) => !IMPORTED_RUN_EDITABLE.has(key));
        if (fixed !== undefined) throw badRequest(fixed, `cannot be changed on a run imported from ${run.source === 'strava' ? 'Strava' : 'a file'}`);
      }
      const merged = { ...asInput(run), ...request.body };
      // A manual run's local time follows its start and zone; an imported run keeps the one its source gave.
      const values = toRunValues(merged, profile.timezone, '', run.source === 'manual' ? 'runner' : 'import');
      if (run.source !== 'manual') values.start_date_local = run.start_date_local;
      const updated = await runs.update(profile.id, run.id, values, nowText(context));
      if (!updated) throw notFound('no such run');
      return updated;
    },
  );

  app.delete<{ Params: RunParams }>(
    '/api/data/users/:sub/runs/:id',
    {
      preHandler: canWrite,
      schema: { tags: ['runs'], summary: 'Deletes a run', security: bearerSecurity, params: RunParams, response: { 204: Type.Null(), ...errorResponses(400, 404) } },
    },
    async (request, reply) => {
      const profile = await pathRunner(context, request, request.params.sub);
      if (!(await runs.delete(profile.id, request.params.id))) throw notFound('no such run');
      return reply.code(204).send();
    },
  );
}
