import type { FastifyInstance } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';

/**
 * RFC 7517 key set: the next key is published a rotation ahead and retired keys stay until
 * their tokens expire, so a verifier caching this for max-age never meets an unknown kid.
 */
export function jwksEndpoint(app: FastifyInstance, tokenDealer: TokenDealer, path: string): void {
  app.get(path, async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=300, stale-while-revalidate=60')
      .header('content-type', 'application/jwk-set+json; charset=utf-8')
      .send(JSON.stringify(tokenDealer.keyRing.jwks)),
  );
}
