// GET /api/data/users/{sub}/totals: distance, time and count per week or month.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { bearerSecurity, errorResponses, pathRunner, type RouteContext } from '../../http/route-support.js';
import { totalsOf } from '../../runs/run-queries.js';
import { SubParams } from '../../schemas/common.js';
import { TotalsQuery, TotalsSchema } from '../../schemas/run-schemas.js';
import { PublicScope } from '../../scopes.js';

export const TOTALS_DESCRIPTION =
  "Per ISO week (Monday first) or calendar month on the runner's calendar (profile time zone), every period that overlaps from..to " +
  '(both days included) counted whole, empty periods included, oldest first. The range is at most about five years (1830 days).';

export function totalsRoutes(app: FastifyInstance, context: RouteContext): void {
  app.get<{ Params: Static<typeof SubParams>; Querystring: TotalsQuery }>(
    '/api/data/users/:sub/totals',
    {
      preHandler: app.requireAccess({ audience: context.config.publicAudience, subject: 'user', scopes: [PublicScope.runsRead] }),
      schema: {
        tags: ['runs'],
        summary: 'Totals per week or month',
        description: TOTALS_DESCRIPTION,
        security: bearerSecurity,
        params: SubParams,
        querystring: TotalsQuery,
        response: { 200: Type.Ref(TotalsSchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const profile = await pathRunner(context, request, request.params.sub);
      return totalsOf(context.storage.runs, profile, request.query.from, request.query.to, request.query.period);
    },
  );
}
