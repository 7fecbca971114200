// Fastify integration: `app.requireScopes(...)` gives a preHandler that lets only valid tokens through.
// Routes without that hook stay public.
import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { InsufficientScopeError, InvalidTokenError } from './errors.js';
import { authenticateRequest, errorResponse } from './http.js';
import type { AccessTokenClaims } from './jwt.js';
import { createVerifier, type AccessTokenVerifier, type VerifierOptions } from './verifier.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler hook requiring a valid access token that carries every one of `scopes`. */
    requireScopes(...scopes: string[]): preHandlerAsyncHookHandler;
    /**
     * A preHandler hook requiring a valid access token addressed to `audience`, for the given kind of
     * subject, carrying every one of `scopes`. Audience and subject are checked before scopes, so a
     * token of the wrong kind learns nothing about the scopes a route wants.
     */
    requireAccess(requirement: AccessRequirement): preHandlerAsyncHookHandler;
  }
  interface FastifyRequest {
    /** Claims of the verified access token; set on routes guarded by requireScopes, undefined elsewhere. */
    accessToken: AccessTokenClaims | undefined;
  }
}

export interface AccessRequirement {
  /** One of the token's audiences must be exactly this (the verifier may accept several). */
  audience?: string;
  /**
   * `user`: a token acting for a person (its `sub` is not its `client_id`); `client`: a token a client
   * obtained for itself with client_credentials (RFC 9068 section 2.2: its `sub` is its `client_id`).
   */
  subject?: 'user' | 'client';
  scopes?: readonly string[];
}

interface RealmOption {
  /** `realm` of the Bearer challenge; defaults to the (first) audience. */
  realm?: string;
}

export type GuardPluginOptions = (VerifierOptions | { verifier: AccessTokenVerifier }) & RealmOption;

const guard: FastifyPluginAsync<GuardPluginOptions> = async (fastify, options) => {
  const verifier = 'verifier' in options ? options.verifier : createVerifier(options);
  const realm = options.realm ?? firstAudience(verifier.audience);

  fastify.decorateRequest('accessToken', undefined);
  fastify.decorate('requireScopes', function requireScopes(...scopes: string[]): preHandlerAsyncHookHandler {
    const required = [...scopes];
    return async function requireAccessToken(request, reply) {
      try {
        request.accessToken = await authenticateRequest(request, verifier, { scopes: required });
      } catch (error) {
        // Non-guard errors (e.g. the key set being unreachable) go to Fastify's error handler.
        const response = errorResponse(error, realm);
        return reply.code(response.status).headers(response.headers).send(response.body);
      }
    };
  });
  fastify.decorate('requireAccess', function requireAccess(requirement: AccessRequirement): preHandlerAsyncHookHandler {
    const { audience, subject } = requirement;
    const scopes = [...(requirement.scopes ?? [])];
    const challengeRealm = audience ?? realm;
    return async function requireAccessToken(request, reply) {
      try {
        const claims = await authenticateRequest(request, verifier);
        if (audience !== undefined && !(typeof claims.aud === 'string' ? claims.aud === audience : claims.aud.includes(audience))) {
          throw new InvalidTokenError('the access token is not meant for this resource');
        }
        const isClientToken = claims.sub === claims.client_id;
        if (subject === 'client' && !isClientToken) throw new InvalidTokenError('this endpoint accepts only service tokens');
        if (subject === 'user' && isClientToken) throw new InvalidTokenError('this endpoint accepts only tokens issued for a user');
        const missing = scopes.filter((scope) => !claims.scopes.includes(scope));
        if (missing.length > 0) throw new InsufficientScopeError(scopes);
        request.accessToken = claims;
      } catch (error) {
        const response = errorResponse(error, challengeRealm);
        return reply.code(response.status).headers(response.headers).send(response.body);
      }
    };
  });
};

function firstAudience(audience: string | readonly string[]): string {
  return typeof audience === 'string' ? audience : (audience[0] ?? '');
}

/** Registers `requireScopes` and `request.accessToken` on the instance (not encapsulated). */
export const guardPlugin = fp(guard, { fastify: '5.x', name: '@runnerly/guard' });

export default guardPlugin;
