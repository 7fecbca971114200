// CORS for browser apps (public clients): only on the token, revocation and metadata endpoints,
// only for origins a client registered, and never on the authorization endpoint (RFC 9700
// section 2.6). A token response is readable only by the origins of the client it was issued to.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientRecord } from '../clients/client.js';
import type { TokenDealer } from '../tokendealer.js';

const PREFLIGHT_MAX_AGE_SECONDS = 600;

function allowOrigin(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin);
}

/** Answers preflights for `paths` and lets registered origins read their responses. */
export function corsForRegisteredOrigins(app: FastifyInstance, tokenDealer: TokenDealer, paths: readonly string[], methods: string): void {
  for (const path of paths) {
    app.options(path, async (request, reply) => {
      const origin = request.headers.origin;
      reply.header('vary', 'Origin');
      if (typeof origin === 'string' && tokenDealer.isRegisteredOrigin(origin)) {
        allowOrigin(reply, origin);
        reply.header('access-control-allow-methods', methods);
        reply.header('access-control-allow-headers', 'authorization, content-type');
        reply.header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
      }
      return reply.code(204).send();
    });
  }
}

/** On a response to a browser: the origin may read it if some client registered it (errors, metadata). */
export function allowRegisteredOrigin(request: FastifyRequest, reply: FastifyReply, tokenDealer: TokenDealer): void {
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return;
  reply.header('vary', 'Origin');
  if (tokenDealer.isRegisteredOrigin(origin)) allowOrigin(reply, origin);
}

/** On a response carrying a client's tokens: only that client's own origins may read it. */
export function allowClientOrigin(request: FastifyRequest, reply: FastifyReply, client: ClientRecord): void {
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return;
  reply.header('vary', 'Origin');
  if (client.allowedOrigins.includes(origin)) allowOrigin(reply, origin);
  else reply.removeHeader('access-control-allow-origin');
}
