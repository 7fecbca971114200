// The plans service's HTTP API: templates, and each runner's plan (user tokens for the public API),
// and the internal window of a runner's plan for other services (service tokens only).
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Type, type Static } from '@sinclair/typebox';
import { createServiceApp, pathSubject } from '@runnerly/http-service';
import type { PlansConfig } from '../config.js';
import type { PlanService } from '../plans/plan-service.js';
import { TEMPLATES } from '../templates/catalog.js';
import { BearerError, errorResponses } from './error-schemas.js';
import { internalRoutes } from './internal-routes.js';
import { Plan, PlanChoice, SubjectParams, Template } from './schemas.js';

const problems = errorResponses;

export async function buildPlansApp(config: PlansConfig, logger: Logger, plans: PlanService, readiness: () => Promise<void>): Promise<FastifyInstance> {
  const { app } = await createServiceApp({
    service: 'plans',
    title: 'Runnerly training plans',
    description: 'Plan templates, and each runner\'s plan for a race, scaled to their running, with an iCalendar export.',
    logger,
    readiness,
    metricsAccess: { allow: config.metricsAllow, token: config.metricsToken },
    bodyLimit: 16 * 1024,
    guard: { issuer: config.issuer, audiences: [config.publicApiAudience, config.audience] },
  });
  app.addSchema(BearerError);
  app.addSchema(Template);
  app.addSchema(Plan);
  const user = (...scopes: string[]) => app.requireAccess({ audience: config.publicApiAudience, subject: 'user', scopes });
  const security = [{ bearer: [] }];
  const token = (authorization: string | undefined): string => (authorization ?? '').replace(/^Bearer +/i, '');

  app.get('/api/plans/templates', { preHandler: user('plans:read'), schema: { security, response: { 200: Type.Object({ templates: Type.Array(Type.Ref('Template')) }), ...problems } } }, async () => ({
    templates: TEMPLATES.map((template) => ({
      id: template.id,
      name: template.name,
      race: template.race,
      level: template.level,
      race_distance: template.raceDistance,
      weeks: template.weeks,
      min_weeks: template.minWeeks,
      peak_weekly_distance: template.peakWeekly,
      longest_run: template.longestRun,
      runs_per_week: Object.keys(template.days).length,
      description: template.description,
    })),
  }));

  app.get<{ Params: Static<typeof SubjectParams> }>(
    '/api/plans/users/:sub/plan',
    { preHandler: user('plans:read'), schema: { security, params: SubjectParams, response: { 200: { $ref: 'Plan' }, ...problems } } },
    async (request) => plans.view(pathSubject(request, request.params.sub), token(request.headers.authorization)),
  );

  app.put<{ Params: Static<typeof SubjectParams>; Body: Static<typeof PlanChoice> }>(
    '/api/plans/users/:sub/plan',
    { preHandler: user('plans:write', 'races:read'), schema: { security, params: SubjectParams, body: PlanChoice, response: { 200: { $ref: 'Plan' }, ...problems } } },
    async (request) => {
      const userId = pathSubject(request, request.params.sub);
      const bearer = token(request.headers.authorization);
      await plans.choose(userId, bearer, request.body.template_id, request.body.race_id);
      return plans.view(userId, bearer);
    },
  );

  app.delete<{ Params: Static<typeof SubjectParams> }>(
    '/api/plans/users/:sub/plan',
    { preHandler: user('plans:write'), schema: { security, params: SubjectParams, response: { 204: Type.Null(), ...problems } } },
    async (request, reply) => {
      await plans.delete(pathSubject(request, request.params.sub));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof SubjectParams> }>(
    '/api/plans/users/:sub/plan/calendar.ics',
    { preHandler: user('plans:read'), schema: { security, params: SubjectParams, produces: ['text/calendar'] } },
    async (request, reply) => {
      const text = await plans.calendar(pathSubject(request, request.params.sub));
      return reply.header('content-type', 'text/calendar; charset=utf-8').header('content-disposition', 'attachment; filename="runnerly-plan.ics"').header('cache-control', 'no-store').send(text);
    },
  );

  internalRoutes(app, config.audience, plans);
  return app;
}
