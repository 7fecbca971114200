// Strava's OAuth redirect (a browser, no token): completes the link and sends the browser back.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { completeLink, type CallbackQuery } from '../link/complete-link.js';
import type { ServiceContext } from '../service-context.js';

const param = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

export function callbackRoute(app: FastifyInstance, context: ServiceContext): void {
  app.get(
    '/strava/callback',
    {
      schema: {
        summary: "Strava's OAuth redirect after the athlete's decision",
        querystring: Type.Object({ code: param(200), state: param(200), scope: param(500), error: param(100) }),
        response: { 302: Type.Null() },
      },
    },
    async (request, reply) => {
      const location = await completeLink(context, request.query as CallbackQuery);
      return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(location, 302);
    },
  );
}
