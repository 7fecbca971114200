// PUT /internal/users/{sub}/email (scope users:email): the dashboard's backend keeps the runner's
// address from TokenDealer's ID token with the profile at each sign-in, for the monthly reports.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { bearerSecurity, errorResponses, nowText, type RouteContext } from '../../http/route-support.js';
import { SubParams } from '../../schemas/common.js';
import { EmailSchema, type EmailBody } from '../../schemas/profile-schemas.js';
import { InternalScope } from '../../scopes.js';

export function emailRoutes(app: FastifyInstance, context: RouteContext): void {
  app.put<{ Params: Static<typeof SubParams>; Body: EmailBody }>(
    '/internal/users/:sub/email',
    {
      preHandler: app.requireAccess({ audience: context.config.serviceAudience, subject: 'client', scopes: [InternalScope.usersEmail] }),
      schema: {
        tags: ['internal'],
        summary: "Keeps the runner's e-mail address (creating the profile if needed); scope `users:email`",
        security: bearerSecurity,
        params: SubParams,
        body: EmailSchema,
        response: { 204: Type.Null(), ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      await context.storage.profiles.setEmail(request.params.sub, request.body.email, nowText(context));
      return reply.code(204).send();
    },
  );
}
