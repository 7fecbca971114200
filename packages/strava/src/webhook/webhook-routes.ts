// Strava's webhook callback. GET answers the subscription handshake; POST takes an event, checks
// it names our subscription and a linked athlete (events are not signed: they are hints, never
// data), queues the work and answers 200 at once (Strava wants it within 2 s).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ProblemError } from '@runnerly/http-service';
import { ACTIVITY_EVENT_JOB, DEAUTHORIZED_JOB, deauthorizedKey, type ActivityEventJob, type DeauthorizedJob } from '../jobs/job-types.js';
import type { ServiceContext } from '../service-context.js';
import type { WebhookSubscription } from './webhook-subscription.js';

const sameSecret = (a: string, b: string): boolean => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

const HandshakeQuery = Type.Object({
  'hub.mode': Type.String({ maxLength: 20 }),
  'hub.challenge': Type.String({ maxLength: 200 }),
  'hub.verify_token': Type.String({ maxLength: 200 }),
});

const StravaId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const EventBody = Type.Object({
  object_type: Type.String({ maxLength: 20 }),
  object_id: StravaId,
  aspect_type: Type.String({ maxLength: 20 }),
  updates: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown())),
  owner_id: StravaId,
  subscription_id: StravaId,
  event_time: Type.Integer(),
});
type EventBody = Static<typeof EventBody>;

export function webhookRoutes(app: FastifyInstance, context: ServiceContext, subscription: WebhookSubscription): void {
  app.get(
    '/strava/webhook',
    { schema: { summary: "Strava's subscription handshake", querystring: HandshakeQuery, response: { 200: Type.Object({ 'hub.challenge': Type.String() }) } } },
    async (request) => {
      const query = request.query as Static<typeof HandshakeQuery>;
      const expected = context.config.webhookVerifyToken;
      if (query['hub.mode'] !== 'subscribe' || expected === undefined || !sameSecret(query['hub.verify_token'], expected)) {
        throw new ProblemError(403, 'Forbidden', 'the verify token does not match', { type: 'urn:runnerly:problem:webhook-verification-failed' });
      }
      return { 'hub.challenge': query['hub.challenge'] };
    },
  );

  app.post(
    '/strava/webhook',
    { bodyLimit: 16 * 1024, schema: { summary: 'A Strava webhook event', body: EventBody, response: { 200: Type.Object({ accepted: Type.Boolean() }) } } },
    async (request) => ({ accepted: await acceptEvent(context, subscription, request.body as EventBody) }),
  );
}

/** True when the event was queued; foreign or unknown events are answered 200 too (Strava would only retry them). */
async function acceptEvent(context: ServiceContext, subscription: WebhookSubscription, event: EventBody): Promise<boolean> {
  if (subscription.id === undefined || event.subscription_id !== subscription.id) {
    context.logger.warn({ subscription_id: event.subscription_id }, 'webhook event for another subscription ignored');
    return false;
  }
  const link = await context.links.getByAthlete(event.owner_id);
  if (!link) return false;
  if (event.object_type === 'athlete') {
    if (String(event.updates?.authorized) !== 'false') return false;
    await context.queue.add<DeauthorizedJob>(DEAUTHORIZED_JOB, { athleteId: event.owner_id }, { key: deauthorizedKey(event.owner_id) });
    return true;
  }
  if (event.object_type !== 'activity' || !['create', 'update', 'delete'].includes(event.aspect_type)) return false;
  await context.queue.add<ActivityEventJob>(ACTIVITY_EVENT_JOB, {
    sub: link.sub,
    linkId: link.linkId,
    activityId: event.object_id,
    aspect: event.aspect_type as ActivityEventJob['aspect'],
  });
  return true;
}
