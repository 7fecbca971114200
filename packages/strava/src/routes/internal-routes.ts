// For other services (client_credentials tokens for this service's audience, scope
// `strava:status`): a runner's link status. A user token never reaches it, whatever its scopes.
import type { FastifyInstance } from 'fastify';
import type {} from '@runnerly/guard/fastify';
import { Type } from '@sinclair/typebox';
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
}
