// For other services and operator tools (client_credentials tokens for this service's audience):
// a runner's link status (scope `strava:status`), and linking a runner with a Strava
// authorization code obtained out of band (scope `strava:link`; npm start links its demo runner
// to a sandbox athlete this way). A user token never reaches them, whatever its scopes.
import type { FastifyInstance } from 'fastify';
import type {} from '@runnerly/guard/fastify';
import { Type, type Static } from '@sinclair/typebox';
import { badRequest, conflict, ProblemError } from '@runnerly/http-service';
import { linkWithCode } from '../link/complete-link.js';
import { missingActivityScope, parseGrantedScopes } from '../oauth/scopes.js';
import type { ServiceContext } from '../service-context.js';
import { LinkStatusSchema, linkStatus } from '../status/link-status.js';

export function internalRoutes(app: FastifyInstance, context: ServiceContext): void {
  app.get(
    '/internal/users/:sub/strava',
    {
      preHandler: app.requireAccess({ audience: context.config.audience, subject: 'client', scopes: ['strava:status'] }),
      schema: {
        summary: "A runner's Strava link status, for other services",
        security: [{ bearer: ['strava:status'] }],
        params: Type.Object({ sub: Type.String({ minLength: 1, maxLength: 255 }) }),
        response: { 200: LinkStatusSchema },
      },
    },
    async (request) => linkStatus(context, (request.params as { sub: string }).sub),
  );

  const LinkBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 512 }), scope: Type.String({ minLength: 1, maxLength: 512, description: 'the scopes Strava granted, comma-separated' }) }, { additionalProperties: false });
  app.post<{ Params: { sub: string }; Body: Static<typeof LinkBody> }>(
    '/internal/users/:sub/strava/link',
    {
      preHandler: app.requireAccess({ audience: context.config.audience, subject: 'client', scopes: ['strava:link'] }),
      schema: {
        summary: 'Link a runner with a Strava authorization code obtained out of band',
        security: [{ bearer: ['strava:link'] }],
        params: Type.Object({ sub: Type.String({ minLength: 1, maxLength: 255 }) }),
        body: LinkBody,
        response: { 200: LinkStatusSchema },
      },
    },
    async (request) => {
      const granted = parseGrantedScopes(request.body.scope);
      const missing = missingActivityScope(granted);
      if (missing !== undefined) throw badRequest('scope', `lacks ${missing}`);
      const outcome = await linkWithCode(context, request.params.sub, request.body.code, granted);
      if (outcome === 'invalid_code') throw badRequest('code', 'Strava refused the code');
      if (outcome === 'athlete_linked_to_another_runner' || outcome === 'already_linked_to_another_athlete') throw conflict(outcome.replace(/_/g, ' '));
      if (outcome !== 'linked') throw new ProblemError(503, 'Service Unavailable', 'Strava is not answering; try again shortly');
      return linkStatus(context, request.params.sub);
    },
  );
}
