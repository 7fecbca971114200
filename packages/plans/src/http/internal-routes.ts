// For other services (client_credentials tokens for this service's own audience, scope
// plans:read:all): a runner's plan over a window of days. The reports service compares each month
// with it. A user token never reaches these, whatever its scopes.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { badRequest } from '@runnerly/http-service';
import type { PlanService } from '../plans/plan-service.js';
import { daysBetween, isCalendarDate } from '../schedule/local-dates.js';
import { errorResponses } from './error-schemas.js';
import { PlanWindow } from './schemas.js';

export const PLANS_READ_ALL = 'plans:read:all';
/** A year and a day: enough for any month or plan, small enough to bound the answer. */
const MAX_WINDOW_DAYS = 366;

const InternalParams = Type.Object({ sub: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9._~:@-]+$', description: 'the runner\'s subject' }) });
const WindowQuery = Type.Object(
  {
    from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'first day, YYYY-MM-DD (the runner\'s calendar)' }),
    to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'last day, included' }),
  },
  { additionalProperties: false },
);

export function internalRoutes(app: FastifyInstance, audience: string, plans: PlanService): void {
  app.get<{ Params: Static<typeof InternalParams>; Querystring: Static<typeof WindowQuery> }>(
    '/internal/users/:sub/plan',
    {
      preHandler: app.requireAccess({ audience, subject: 'client', scopes: [PLANS_READ_ALL] }),
      schema: {
        tags: ['internal'],
        summary: `A runner's plan from \`from\` to \`to\` (both included, at most ${MAX_WINDOW_DAYS} days); scope \`${PLANS_READ_ALL}\`, service tokens only`,
        description: '404 when the runner has no plan.',
        security: [{ bearer: [PLANS_READ_ALL] }],
        params: InternalParams,
        querystring: WindowQuery,
        response: { 200: PlanWindow, ...errorResponses },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      if (!isCalendarDate(from)) throw badRequest('from', 'not a calendar date');
      if (!isCalendarDate(to)) throw badRequest('to', 'not a calendar date');
      if (to < from) throw badRequest('to', 'before from');
      if (daysBetween(from, to) >= MAX_WINDOW_DAYS) throw badRequest('to', `a window is at most ${MAX_WINDOW_DAYS} days`);
      return plans.window(request.params.sub, from, to);
    },
  );
}
