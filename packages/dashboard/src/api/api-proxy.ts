// /bff/api/<service>/... : the front end's API calls, made on the runner's behalf with the token
// kept in the session, to the service that serves that part of the public API (the same paths as
// behind the gateway). Bodies stream through in both directions; state-changing calls need the
// session's CSRF token and, when the browser sends one, this site's Origin.
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Agent, request as upstreamRequest } from 'undici';
import type { ActiveSession, SessionService } from '../sessions/session-service.js';

export interface ApiProxyOptions {
  sessions: SessionService;
  publicUrl: string;
  /** Service origin by first path segment after /api/: data, plans, reports, strava. */
  upstreams: Record<string, string>;
  sessionOf: (cookieHeader: string | undefined) => Promise<ActiveSession | undefined>;
  /** Largest request body forwarded (file uploads), in bytes. */
  maxBodyBytes: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REQUEST_HEADERS = ['content-type', 'content-length', 'accept', 'if-none-match'] as const;
const RESPONSE_HEADERS = ['content-type', 'content-length', 'content-disposition', 'cache-control', 'etag', 'last-modified', 'retry-after'] as const;

/**
 * The path of the public API a front-end call names, or undefined: no dot segments, encoded
 * slashes, dots or backslashes that an upstream (or undici) could resolve to another path, such
 * as an internal endpoint or /metrics.
 */
export function publicApiPath(path: string): string | undefined {
  const pathname = path.split('?')[0] ?? '';
  if (/%2e|%2f|%5c|\\/i.test(pathname) || pathname.split('/').some((segment) => segment === '.' || segment === '..')) return undefined;
  return /^\/api\/[a-z]+\//.test(pathname) ? path : undefined;
}

function problem(reply: FastifyReply, status: number, title: string, detail: string) {
  return reply.code(status).header('cache-control', 'no-store').type('application/problem+json').send({ type: 'about:blank', title, status, detail });
}

export function registerApiProxy(app: FastifyInstance, options: ApiProxyOptions): void {
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
  const publicOrigin = new URL(options.publicUrl).origin;
  app.addHook('onClose', async () => agent.close());

  app.register(async (proxy) => {
    // Bodies are passed on as they come, never parsed here.
    proxy.removeAllContentTypeParsers();
    proxy.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    const forward = async (request: FastifyRequest, reply: FastifyReply) => {
      const path = publicApiPath(request.url.slice('/bff'.length));
      const service = path === undefined ? undefined : /^\/api\/([a-z]+)\//.exec(path)?.[1];
      const upstream = service !== undefined && Object.hasOwn(options.upstreams, service) ? options.upstreams[service] : undefined;
      if (path === undefined || upstream === undefined) return problem(reply, 404, 'Not Found', `no API at ${request.url.split('?')[0]}`);
      const session = await options.sessionOf(request.headers.cookie);
      if (!session) return problem(reply, 401, 'Unauthorized', 'sign in first');
      if (!SAFE_METHODS.has(request.method)) {
        const origin = request.headers.origin;
        if ((origin !== undefined && origin !== publicOrigin) || !options.sessions.csrfMatches(session, request.headers['x-csrf-token'])) {
          return problem(reply, 403, 'Forbidden', 'missing or wrong CSRF token');
        }
        if (Number(request.headers['content-length'] ?? 0) > options.maxBodyBytes) return problem(reply, 413, 'Content Too Large', `at most ${options.maxBodyBytes} bytes`);
        // A body of unknown length could exceed the limit unseen: browsers always send the length.
        if (request.headers['transfer-encoding'] !== undefined) return problem(reply, 411, 'Length Required', 'send the body with a Content-Length');
      }
      const headers: Record<string, string> = { authorization: `Bearer ${session.accessToken}` };
      for (const name of REQUEST_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const hasBody = !SAFE_METHODS.has(request.method) && (request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined);
      const answer = await upstreamRequest(`${upstream}${path}`, {
        method: request.method as 'GET',
        headers,
        body: hasBody ? (request.body as Readable) : null,
        dispatcher: agent,
        headersTimeout: 30_000,
        bodyTimeout: 60_000,
      }).catch((error: unknown) => {
        request.log.warn({ err: error, service }, 'API upstream unreachable');
        return undefined;
      });
      if (answer === undefined) return problem(reply, 502, 'Bad Gateway', `the ${service} service is not answering; try again shortly`);
      reply.code(answer.statusCode);
      for (const name of RESPONSE_HEADERS) {
        const value = answer.headers[name];
        if (typeof value === 'string') reply.header(name, value);
      }
      if (answer.headers['cache-control'] === undefined) reply.header('cache-control', 'no-store');
      return reply.send(answer.body);
    };
    proxy.all('/bff/api/*', { schema: { hide: true } }, forward);
  });
}
