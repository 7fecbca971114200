// GET and PATCH /api/data/users/{sub}: the runner's own profile.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { badRequest } from '@runnerly/http-service';
import { canonicalTimeZone } from '../../domain/time-zone.js';
import { bearerSecurity, errorResponses, nowText, pathRunner, type RouteContext } from '../../http/route-support.js';
import { ProfileChangesSchema, ProfileSchema, type ProfileChanges } from '../../schemas/profile-schemas.js';
import { SubParams } from '../../schemas/common.js';
import { PublicScope } from '../../scopes.js';

export function profileRoutes(app: FastifyInstance, context: RouteContext): void {
  const guard = app.requireAccess({ audience: context.config.publicAudience, subject: 'user', scopes: [PublicScope.profile] });

  app.get<{ Params: Static<typeof SubParams> }>(
    '/api/data/users/:sub',
    {
      preHandler: guard,
      schema: {
        tags: ['profile'],
        summary: "The runner's profile (created with defaults on the runner's first request)",
        security: bearerSecurity,
        params: SubParams,
        response: { 200: Type.Ref(ProfileSchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => pathRunner(context, request, request.params.sub),
  );

  app.patch<{ Params: Static<typeof SubParams>; Body: ProfileChanges }>(
    '/api/data/users/:sub',
    {
      preHandler: guard,
      schema: {
        tags: ['profile'],
        summary: "Changes the runner's profile (email is kept from the sign-in and cannot be changed here)",
        security: bearerSecurity,
        params: SubParams,
        body: ProfileChangesSchema,
        response: { 200: Type.Ref(ProfileSchema), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const profile = await pathRunner(context, request, request.params.sub);
      const changes = { ...request.body };
      if (changes.timezone !== undefined) {
        const zone = canonicalTimeZone(changes.timezone);
        if (zone === undefined) throw badRequest('timezone', 'is not an IANA time zone');
        changes.timezone = zone;
      }
      return context.storage.profiles.update(profile.id, changes, nowText(context));
    },
  );
}
