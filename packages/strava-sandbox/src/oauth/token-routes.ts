import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { badRequest, invalidAccessToken } from '../http/faults.js';
import { bearerToken, parameter } from '../http/parameters.js';
import { summaryAthlete } from '../api/athlete-json.js';
import type { RegisteredClient } from './clients.js';
import type { IssuedTokens } from './token-store.js';

/** Strava authenticates the application by `client_id` and `client_secret` parameters (form, JSON or query). */
export function authenticateApplication(context: SandboxContext, request: FastifyRequest): RegisteredClient {
  const client = context.clients.get(parameter(request, 'client_id'));
  if (!client) throw badRequest('Application', 'client_id');
  if (!context.clients.secretMatches(client, parameter(request, 'client_secret'))) throw badRequest('Application', 'client_secret');
  return client;
}

function tokenResponse(context: SandboxContext, issued: IssuedTokens) {
  const now = Math.floor(context.clock() / 1000);
  return {
    token_type: 'Bearer',
    expires_at: issued.access.expiresAt,
    expires_in: Math.max(0, issued.access.expiresAt - now),
    refresh_token: issued.refreshToken,
    access_token: issued.access.token,
  };
}

/** `POST /oauth/token` (authorization_code, refresh_token) and `POST /oauth/deauthorize`. */
export function tokenRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.post('/oauth/token', async (request, reply) => {
    const client = authenticateApplication(context, request);
    const code = parameter(request, 'code');
    // Strava still takes a code exchange without grant_type, as its older clients sent it.
    const grantType = parameter(request, 'grant_type') ?? (code !== undefined ? 'authorization_code' : undefined);
    reply.header('cache-control', 'no-store');
    if (grantType === 'authorization_code') {
      const issued = code === undefined ? undefined : context.tokens.redeemCode(client.clientId, code);
      if (!issued) throw badRequest('AuthorizationCode', 'code');
      const athlete = context.activities.athlete(issued.access.athleteId);
      return { ...tokenResponse(context, issued), ...(athlete ? { athlete: summaryAthlete(athlete) } : {}) };
    }
    if (grantType === 'refresh_token') {
      const refreshToken = parameter(request, 'refresh_token');
      const issued = refreshToken === undefined ? undefined : context.tokens.refresh(client.clientId, refreshToken);
      if (!issued) throw badRequest('RefreshToken', 'refresh_token');
      return tokenResponse(context, issued);
    }
    throw badRequest('Application', 'grant_type');
  });

  app.post('/oauth/deauthorize', async (request) => {
    const token = bearerToken(request) ?? parameter(request, 'access_token');
    const access = token === undefined ? undefined : context.tokens.accessToken(token);
    if (!access || context.tokens.isExpired(access)) throw invalidAccessToken();
    context.deauthorize(access.athleteId, access.clientId);
    return { access_token: access.token };
  });
}
