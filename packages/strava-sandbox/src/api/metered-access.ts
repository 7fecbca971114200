import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import type { AccessToken } from '../oauth/token-store.js';
import type { RegisteredClient } from '../oauth/clients.js';
import { invalidAccessToken, rateLimitExceeded } from '../http/faults.js';
import { bearerToken } from '../http/parameters.js';
import { authenticateApplication } from '../oauth/token-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The athlete's access token of an API call. */
    stravaAccess?: AccessToken;
    /** The application of a push-subscription call. */
    stravaClient?: RegisteredClient;
  }
  interface FastifyContextConfig {
    /** Authenticated by client_id and client_secret instead of an athlete's token. */
    applicationAuth?: boolean;
  }
}

/**
 * Identifies the application behind each API call, counts it against that application's limits
 * and writes the four rate-limit headers; refuses with 429 over a limit (the refused call still
 * counts), and with 401 for an expired token (also counted: Strava knows whose it is). A token the
 * sandbox never issued (or one ended by deauthorization) names no application: 401 without headers.
 */
export function meteredAccess(app: FastifyInstance, context: SandboxContext): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    let clientId: string;
    let access: AccessToken | undefined;
    if (request.routeOptions.config.applicationAuth) {
      const client = authenticateApplication(context, request);
      request.stravaClient = client;
      clientId = client.clientId;
    } else {
      const token = bearerToken(request);
      access = token === undefined ? undefined : context.tokens.accessToken(token);
      if (!access) throw invalidAccessToken();
      clientId = access.clientId;
    }
    const metered = context.meter.record(clientId, request.method === 'GET' || request.method === 'HEAD');
    reply.headers(metered.headers);
    if (metered.exceeded) throw rateLimitExceeded();
    if (access) {
      if (context.tokens.isExpired(access)) throw invalidAccessToken();
      request.stravaAccess = access;
    }
  });
}
