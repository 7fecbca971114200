// The reports service's HTTP API: each runner's monthly reports (user tokens for the public API).
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Type, type Static } from '@sinclair/typebox';
import { createServiceApp, notFound, pathSubject } from '@runnerly/http-service';
import type { Tracing } from '@runnerly/tracing';
import type { ReportsConfig } from '../config.js';
import type { ReportStore } from '../storage/report-store.js';
import { MONTH_PATTERN } from '../report/months.js';

const SubjectParams = Type.Object({ sub: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._~:@-]+$' }) });
const MonthParams = Type.Object({ sub: SubjectParams.properties.sub, month: Type.String({ pattern: MONTH_PATTERN, description: 'YYYY-MM' }) });

const Report = Type.Object(
  {
    month: Type.String(),
    distance: Type.Number({ description: 'metres' }),
    run_count: Type.Integer(),
    moving_time: Type.Number({ description: 'seconds' }),
    average_speed: Type.Number({ description: 'm/s' }),
    longest_run: Type.Number({ description: 'metres' }),
    elevation_gain: Type.Number({ description: 'metres' }),
    previous_month: Type.Union([Type.Object({ distance: Type.Number(), run_count: Type.Integer(), moving_time: Type.Number() }), Type.Null()]),
    distance_change_percent: Type.Union([Type.Number(), Type.Null()]),
    plan: Type.Union(
      [
        Type.Object({
          template: Type.Object({ id: Type.String(), name: Type.String() }),
          race: Type.Object({ name: Type.String(), date: Type.String({ format: 'date' }) }),
          planned_sessions: Type.Integer({ description: 'sessions of the month other than rest days' }),
          sessions_done: Type.Integer({ description: 'of those, the ones a run that day covered (the plans service\'s rule: 60% of the session, 90% of a race)' }),
          planned_distance: Type.Number({ description: 'metres: the targets of those sessions' }),
          distance_run: Type.Number({ description: 'metres: every run of the month' }),
          completion_percent: Type.Integer({ description: 'sessions_done / planned_sessions, rounded' }),
        }),
        Type.Null(),
      ],
      { description: 'the month against the runner\'s training plan; null when the runner had no plan with sessions in the month (or for a report built before plans were compared)' },
    ),
    delivery: Type.Union([Type.Literal('pending'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('skipped'), Type.Literal('failed'), Type.Literal('unknown'), Type.Null()]),
  },
  { $id: 'Report' },
);

// The guard answers refused tokens with RFC 6750 errors, not problem details.
const BearerError = Type.Object({ error: Type.String(), error_description: Type.String() }, { $id: 'BearerError', description: 'RFC 6750 token error (401 invalid_token, 403 insufficient_scope)' });
const problems = { 400: { $ref: 'Problem' }, 401: { $ref: 'BearerError' }, 403: { anyOf: [{ $ref: 'Problem' }, { $ref: 'BearerError' }] }, 404: { $ref: 'Problem' } };

/** The app, and its tracing (from the environment unless given) for the background work to use. */
export async function buildReportsApp(config: ReportsConfig, logger: Logger, store: ReportStore, tracing?: Tracing): Promise<{ app: FastifyInstance; tracing: Tracing }> {
  const { app, tracing: appTracing } = await createServiceApp({
    service: 'reports',
    title: 'Runnerly monthly reports',
    description: 'Each runner\'s monthly reports: distance, runs, time, pace, longest run, elevation, the month before, and the training plan.',
    logger,
    ...(tracing === undefined ? {} : { tracing }),
    readiness: () => store.ping(),
    metricsAccess: { allow: config.metricsAllow, token: config.metricsToken },
    bodyLimit: 1024,
    guard: { issuer: config.issuer, audiences: [config.publicApiAudience] },
  });
  app.addSchema(BearerError);
  app.addSchema(Report);
  const user = app.requireAccess({ audience: config.publicApiAudience, subject: 'user', scopes: ['reports:read'] });
  const security = [{ bearer: [] }];
  // Reports built before plans were compared have no `plan`: shown as without one.
  const withDelivery = async (userId: string, month: string, json: string) => ({ plan: null, ...(JSON.parse(json) as object), delivery: (await store.delivery(userId, month))?.state ?? null });

  app.get<{ Params: Static<typeof SubjectParams> }>(
    '/api/reports/users/:sub/reports',
    { preHandler: user, schema: { security, params: SubjectParams, response: { 200: Type.Object({ reports: Type.Array(Type.Ref('Report')) }), ...problems } } },
    async (request) => {
      const userId = pathSubject(request, request.params.sub);
      const rows = await store.listReports(userId);
      return { reports: await Promise.all(rows.map((row) => withDelivery(userId, row.month, row.report))) };
    },
  );

  app.get<{ Params: Static<typeof MonthParams> }>(
    '/api/reports/users/:sub/reports/:month',
    { preHandler: user, schema: { security, params: MonthParams, response: { 200: Type.Ref('Report'), ...problems } } },
    async (request) => {
      const userId = pathSubject(request, request.params.sub);
      const json = await store.findReport(userId, request.params.month);
      if (!json) throw notFound(`no report for ${request.params.month}`);
      return withDelivery(userId, request.params.month, json);
    },
  );
  return { app, tracing: appTracing };
}
