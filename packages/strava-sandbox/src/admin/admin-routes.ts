import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SPORT_TYPES, type ActivityInput } from '../athletes/model.js';
import { AdminError, type SandboxAdmin } from './admin.js';

/** The optional `{"client_id": "..."}` body of the calls that act on one application or all. */
function optionalClientId(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  const clientId = typeof body === 'object' ? (body as Record<string, unknown>).client_id : undefined;
  if (clientId === undefined) return undefined;
  if (typeof clientId !== 'string' || clientId.length > 20) throw new AdminError(400, 'client_id', 'client_id must be a string');
  return clientId;
}

const Nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);

const ActivityBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    sport_type: Type.Optional(Type.Union(SPORT_TYPES.map((sport) => Type.Literal(sport)))),
    start_date: Type.Optional(Type.String({ maxLength: 40 })),
    distance: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000_000 })),
    moving_time: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    elapsed_time: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    total_elevation_gain: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    average_heartrate: Type.Optional(Nullable(Type.Number({ minimum: 20, maximum: 250 }))),
    max_heartrate: Type.Optional(Nullable(Type.Number({ minimum: 20, maximum: 250 }))),
    private: Type.Optional(Type.Boolean()),
    manual: Type.Optional(Type.Boolean()),
    trainer: Type.Optional(Type.Boolean()),
    commute: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
    gear_id: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
  },
  { additionalProperties: false },
);

const AthleteParams = Type.Object({ athleteId: Type.Integer({ minimum: 1 }) });
const ActivityParams = Type.Object({ activityId: Type.Integer({ minimum: 1 }) });
const AuthorizeBody = Type.Object(
  {
    client_id: Type.String({ maxLength: 20 }),
    athlete_id: Type.Integer({ minimum: 1 }),
    scope: Type.Optional(Type.String({ maxLength: 500 })),
    redirect_uri: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: false },
);
const Pair = Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]);
const RateLimitsBody = Type.Union([
  Type.Object({ overall: Pair, read: Pair }, { additionalProperties: false }),
  Type.Object({ enabled: Type.Literal(false) }, { additionalProperties: false }),
]);

/**
 * The admin API under `/_sandbox`: the in-process admin object over HTTP, for demos and for tests
 * in other processes. No authentication: the sandbox listens on loopback and never in production.
 */
export function adminRoutes(app: FastifyInstance, admin: SandboxAdmin): void {
  app.get('/athletes', async () => admin.athletes());

  app.get<{ Params: Static<typeof AthleteParams> }>('/athletes/:athleteId/activities', { schema: { params: AthleteParams } }, async (request) =>
    admin.activities(request.params.athleteId),
  );

  app.post<{ Params: Static<typeof AthleteParams>; Body: Static<typeof ActivityBody> }>(
    '/athletes/:athleteId/activities',
    { schema: { params: AthleteParams, body: ActivityBody } },
    async (request, reply) => reply.code(201).send(admin.createActivity(request.params.athleteId, request.body as ActivityInput)),
  );

  app.patch<{ Params: Static<typeof ActivityParams>; Body: Static<typeof ActivityBody> }>(
    '/activities/:activityId',
    { schema: { params: ActivityParams, body: ActivityBody } },
    async (request) => admin.updateActivity(request.params.activityId, request.body as ActivityInput),
  );

  app.delete<{ Params: Static<typeof ActivityParams> }>('/activities/:activityId', { schema: { params: ActivityParams } }, async (request, reply) => {
    admin.deleteActivity(request.params.activityId);
    return reply.code(204).send();
  });

  app.post<{ Params: Static<typeof AthleteParams> }>('/athletes/:athleteId/deauthorize', { schema: { params: AthleteParams } }, async (request) => ({
    deauthorized: admin.deauthorize(request.params.athleteId, optionalClientId(request.body)),
  }));

  app.post<{ Params: Static<typeof AthleteParams> }>('/athletes/:athleteId/expire-tokens', { schema: { params: AthleteParams } }, async (request) => ({
    expired: admin.expireTokens(request.params.athleteId, optionalClientId(request.body)),
  }));

  app.post<{ Body: Static<typeof AuthorizeBody> }>('/authorize', { schema: { body: AuthorizeBody } }, async (request) =>
    admin.authorize({
      clientId: request.body.client_id,
      athleteId: request.body.athlete_id,
      scopes: (request.body.scope ?? 'read').split(',').filter((scope) => scope !== ''),
      ...(request.body.redirect_uri !== undefined ? { redirectUri: request.body.redirect_uri } : {}),
    }),
  );

  app.get('/rate-limits', async () => admin.rateLimits());

  app.put<{ Body: Static<typeof RateLimitsBody> }>('/rate-limits', { schema: { body: RateLimitsBody } }, async (request) => {
    const body = request.body;
    admin.setRateLimits('enabled' in body ? false : { overall: body.overall, read: body.read });
    return admin.rateLimits();
  });

  app.post('/rate-limits/reset', async (request) => {
    admin.resetUsage(optionalClientId(request.body));
    return admin.rateLimits();
  });

  app.get('/webhook-deliveries', async () => admin.deliveries());
}
