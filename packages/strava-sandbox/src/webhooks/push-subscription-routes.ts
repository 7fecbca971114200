import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { badRequest, notFound } from '../http/faults.js';
import { parameter } from '../http/parameters.js';
import { isOnCallbackDomain } from '../oauth/clients.js';
import { verifyCallback } from './callback-verification.js';
import { subscriptionJson } from './subscription-store.js';

/**
 * `/push_subscriptions`: created after the callback answers the handshake, one per application;
 * listed and deleted with the application's credentials. The callback must be on one of the
 * application's callback domains (loopback by default), so the sandbox only ever calls there.
 */
export function pushSubscriptionRoutes(app: FastifyInstance, context: SandboxContext): void {
  const config = { applicationAuth: true };

  app.post('/push_subscriptions', { config }, async (request, reply) => {
    const client = request.stravaClient!;
    const callbackUrl = parameter(request, 'callback_url');
    const verifyToken = parameter(request, 'verify_token');
    if (callbackUrl === undefined || callbackUrl === '') throw badRequest('PushSubscription', 'callback_url', 'missing');
    if (verifyToken === undefined || verifyToken === '') throw badRequest('PushSubscription', 'verify_token', 'missing');
    if (!isOnCallbackDomain(client, callbackUrl)) throw badRequest('PushSubscription', 'callback_url', 'invalid');
    if (context.subscriptions.ofClient(client.clientId)) throw badRequest('PushSubscription', '', 'already exists');
    const verified = await verifyCallback(callbackUrl, verifyToken, context.options.callbackTimeout);
    if (!verified.ok) {
      throw badRequest('PushSubscription', 'callback url', verified.reason === 'not 200' ? 'GET to callback URL does not return 200' : 'callback url not verifiable');
    }
    // Two creations racing through the handshake: the first one wins.
    if (context.subscriptions.ofClient(client.clientId)) throw badRequest('PushSubscription', '', 'already exists');
    const subscription = context.subscriptions.add(client.clientId, callbackUrl);
    return reply.code(201).send({ id: subscription.id });
  });

  app.get('/push_subscriptions', { config }, async (request) => {
    const subscription = context.subscriptions.ofClient(request.stravaClient!.clientId);
    return subscription ? [subscriptionJson(subscription)] : [];
  });

  app.delete<{ Params: { id: string } }>('/push_subscriptions/:id', { config }, async (request, reply) => {
    const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : NaN;
    if (!context.subscriptions.remove(id, request.stravaClient!.clientId)) throw notFound('PushSubscription');
    return reply.code(204).send();
  });
}
