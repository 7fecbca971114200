// The admin port (off unless a bootstrap admin token is configured): client and key management,
// described by the OpenAPI document at GET /openapi.json. Errors are RFC 9457 problem details.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import { nowSeconds, type TokenDealer } from '../tokendealer.js';
import { ClientValidationError } from '../clients/client-validation.js';
import { viewKey } from '../keys/key-view.js';
import { RotationTooSoonError } from '../keys/key-rotation.js';
import { adminTokenMatcher } from './admin-auth.js';
import { Client, ClientIdParams, ClientSecret, CreatedClient, Key, NewClient, Problem, RotateQuery, Rotation } from './schemas.js';
import type { Static } from '@sinclair/typebox';

class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ?? title);
  }
}

const problemResponses = { 400: Problem, 401: Problem, 404: Problem };

export function buildAdminApp(tokenDealer: TokenDealer, adminToken: string): FastifyInstance {
  const app = Fastify({
    loggerInstance: tokenDealer.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 65_536,
    requestIdHeader: false,
    // Unknown properties are refused, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
  });
  const isAdmin = adminTokenMatcher(adminToken);

  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'TokenDealer admin API', version: '1.0.0', description: 'Client and signing-key management.' },
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } },
      security: [{ adminToken: [] }],
    },
  });
  app.addSchema(Problem);

  app.addHook('onRequest', async (request) => {
    if (request.url === '/openapi.json') return;
    if (!isAdmin(request.headers.authorization)) throw new ProblemError(401, 'Unauthorized', 'a valid admin bearer token is required');
  });

  app.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
    let problem: ProblemError;
    if (error instanceof ProblemError) problem = error;
    else if (error instanceof ClientValidationError) problem = new ProblemError(400, 'Invalid client', error.message);
    else if ('validation' in error && error.validation) problem = new ProblemError(400, 'Invalid request', error.message);
    else if (typeof error.statusCode === 'number' && error.statusCode < 500) problem = new ProblemError(error.statusCode, 'Bad request', error.message);
    else {
      request.log.error({ err: error }, 'admin request failed');
      problem = new ProblemError(500, 'Internal error');
    }
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="tokendealer-admin"');
    return reply
      .code(problem.status)
      .type('application/problem+json')
      .send({ type: 'about:blank', title: problem.title, status: problem.status, ...(problem.detail ? { detail: problem.detail } : {}) });
  });

  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).type('application/problem+json').send({ type: 'about:blank', title: 'Not found', status: 404 }),
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Registered after swagger so that its route hook documents them.
  app.register(async (api) => {
    api.get('/clients', { schema: { summary: 'List clients', tags: ['clients'], response: { 200: Type.Array(Client), ...problemResponses } } }, () =>
      tokenDealer.clients.list(),
    );

    api.post<{ Body: Static<typeof NewClient> }>(
      '/clients',
      { schema: { summary: 'Register a client', tags: ['clients'], body: NewClient, response: { 201: CreatedClient, ...problemResponses } } },
      async (request, reply) => {
        const body = request.body;
        const created = await tokenDealer.clients.create({
          name: body.client_name,
          grantTypes: body.grant_types,
          scopes: (body.scope ?? '').split(' ').filter(Boolean),
          audiences: body.audiences ?? [],
          ...(body.token_endpoint_auth_method ? { authMethod: body.token_endpoint_auth_method } : {}),
          ...(body.jwks ? { jwks: body.jwks } : {}),
          ...(body.jwks_uri ? { jwksUri: body.jwks_uri } : {}),
        ...(body.redirect_uris ? { redirectUris: body.redirect_uris } : {}),
        ...(body.allowed_origins ? { allowedOrigins: body.allowed_origins } : {}),
        ...(body.resource_servers ? { resourceServers: body.resource_servers } : {}),
        ...(body.require_pushed_authorization_requests === undefined ? {} : { requirePar: body.require_pushed_authorization_requests }),
        ...(body.rotate_refresh_tokens === undefined ? {} : { rotateRefreshTokens: body.rotate_refresh_tokens }),
        ...(body.post_logout_redirect_uris ? { postLogoutRedirectUris: body.post_logout_redirect_uris } : {}),
        ...(body.first_party === undefined ? {} : { firstParty: body.first_party }),
        ...(body.id_token_signed_response_alg ? { idTokenSignedResponseAlg: body.id_token_signed_response_alg } : {}),
        });
        await tokenDealer.syncAfterWrite();
        return reply.code(201).header('cache-control', 'no-store').send(created);
      },
    );

    api.get<{ Params: Static<typeof ClientIdParams> }>(
      '/clients/:clientId',
      { schema: { summary: 'Show a client', tags: ['clients'], params: ClientIdParams, response: { 200: Client, ...problemResponses } } },
      async (request) => {
        const client = await tokenDealer.clients.get(request.params.clientId);
        if (!client) throw new ProblemError(404, 'Not found', 'no such client');
        return client;
      },
    );

    api.delete<{ Params: Static<typeof ClientIdParams> }>(
      '/clients/:clientId',
      { schema: { summary: 'Delete a client', tags: ['clients'], params: ClientIdParams, response: { 204: Type.Null(), ...problemResponses } } },
      async (request, reply) => {
        if (!(await tokenDealer.clients.delete(request.params.clientId))) throw new ProblemError(404, 'Not found', 'no such client');
        await tokenDealer.syncAfterWrite();
        return reply.code(204).send();
      },
    );

    api.post<{ Params: Static<typeof ClientIdParams> }>(
      '/clients/:clientId/rotate-secret',
      { schema: { summary: 'Replace a client secret', tags: ['clients'], params: ClientIdParams, response: { 200: ClientSecret, ...problemResponses } } },
      async (request, reply) => {
        const rotated = await tokenDealer.clients.rotateSecret(request.params.clientId);
        if (!rotated) throw new ProblemError(404, 'Not found', 'no such client');
        await tokenDealer.syncAfterWrite();
        return reply.header('cache-control', 'no-store').send(rotated);
      },
    );

    api.get('/keys', { schema: { summary: 'List signing keys', tags: ['keys'], response: { 200: Type.Array(Key), ...problemResponses } } }, async () => {
      const now = nowSeconds();
      return (await tokenDealer.storage.keys.list()).map((key) => viewKey(key, now, tokenDealer.config.accessTokenTtl));
    });

    api.post<{ Querystring: Static<typeof RotateQuery> }>(
      '/keys/rotate',
      {
        schema: {
          summary: 'Rotate the signing key',
          description: 'Refused with 409 while the next key is younger than the JWKS cache lifetime, unless force=true.',
          tags: ['keys'],
          querystring: RotateQuery,
          response: { 200: Rotation, 409: Problem, ...problemResponses },
        },
      },
      async (request) => {
        try {
          return await tokenDealer.rotateKeys({ force: request.query.force === true });
        } catch (error) {
          if (error instanceof RotationTooSoonError) throw new ProblemError(409, 'Rotation too soon', error.message);
          throw error;
        }
      },
    );
  });

  return app;
}
