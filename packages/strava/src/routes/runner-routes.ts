// The runner's API (user tokens for the public API, scope `strava`): start a link, see its status,
// end it. `me` means the token's subject; another runner's subject is 404.
import type { FastifyInstance } from 'fastify';
import type {} from '@runnerly/guard/fastify';
import { Type } from '@sinclair/typebox';
import { pathSubject } from '@runnerly/http-service';
import { startLink } from '../link/start-link.js';
import { unlink } from '../link/unlink.js';
import type { ServiceContext } from '../service-context.js';
import { LinkStatusSchema, linkStatus } from '../status/link-status.js';

const SubParams = Type.Object({ sub: Type.String({ minLength: 1, maxLength: 255 }) });
const problem = { $ref: 'Problem#' };

export function runnerRoutes(app: FastifyInstance, context: ServiceContext): void {
  const guard = app.requireAccess({ audience: context.config.publicApiAudience, subject: 'user', scopes: ['strava'] });
  const security = [{ bearer: ['strava'] }];

  app.post(
    '/api/strava/users/:sub/link',
    {
      preHandler: guard,
      // The body is optional: no body means no return_to.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        summary: "Start linking the runner's Strava account: answers the Strava authorize URL to send the browser to",
        security,
        params: SubParams,
        body: Type.Object({ return_to: Type.Optional(Type.String({ maxLength: 2000, description: 'where the callback sends the browser afterwards; must be under an allowed return URL' })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ authorize_url: Type.String() }), 400: problem, 404: problem },
      },
    },
    async (request) => {
      const sub = pathSubject(request, (request.params as { sub: string }).sub);
      const body = (request.body ?? {}) as { return_to?: string };
      return { authorize_url: await startLink(context, sub, body.return_to) };
    },
  );

  app.get(
    '/api/strava/users/:sub',
    { preHandler: guard, schema: { summary: "The runner's Strava link and import status", security, params: SubParams, response: { 200: LinkStatusSchema, 404: problem } } },
    async (request) => linkStatus(context, pathSubject(request, (request.params as { sub: string }).sub)),
  );

  app.delete(
    '/api/strava/users/:sub/link',
    {
      preHandler: guard,
      schema: {
        summary: 'End the link (Strava is told, the tokens deleted); delete_runs=true also deletes the runs imported from Strava',
        security,
        params: SubParams,
        querystring: Type.Object({ delete_runs: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ unlinked: Type.Boolean(), strava_deauthorized: Type.Boolean(), runs_deleted: Type.Union([Type.Integer(), Type.Null()]) }),
          404: problem,
          502: problem,
        },
      },
    },
    async (request) => {
      const sub = pathSubject(request, (request.params as { sub: string }).sub);
      return unlink(context, sub, (request.query as { delete_runs?: boolean }).delete_runs ?? false);
    },
  );
}
