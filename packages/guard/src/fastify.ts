// Fastify integration: `app.requireScopes(...)` gives a preHandler that lets only valid tokens through.
// Routes without that hook stay public.
import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { authenticateRequest, errorResponse } from './http.js';
import type { AccessTokenClaims } from './jwt.js';
import { createVerifier, type AccessTokenVerifier, type VerifierOptions } from './verifier.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler hook requiring a valid access token that carries every one of `scopes`. */
    requireScopes(...scopes: string[]): preHandlerAsyncHookHandler;
  }
  interface FastifyRequest {
    /** Claims of the verified access token; set on routes guarded by requireScopes, undefined elsewhere. */
    accessToken: AccessTokenClaims | undefined;
  }
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
};

function firstAudience(audience: string | readonly string[]): string {
  return typeof audience === 'string' ? audience : (audience[0] ?? '');
}

/** Registers `requireScopes` and `request.accessToken` on the instance (not encapsulated). */
export const guardPlugin = fp(guard, { fastify: '5.x', name: '@runnerly/guard' });

export default guardPlugin;
