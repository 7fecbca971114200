// A server span for every request a Fastify app answers, named by its route template, active
// while its hooks and handler run (so log lines and outgoing calls see it) and ended with its status.
import { context, ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { endSpan, type Tracing } from './tracing.js';

export function traceRequests(app: FastifyInstance, tracing: Tracing): void {
  const spans = new WeakMap<FastifyRequest, { span: Span; context: Context }>();
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const span = tracing.startServerSpan(`${request.method} ${route ?? 'unmatched'}`, request.headers, {
      'http.request.method': request.method,
      ...(route === undefined ? {} : { 'http.route': route }),
    });
    const active = trace.setSpan(ROOT_CONTEXT, span);
    spans.set(request, { span, context: active });
    context.with(active, done);
  });
  // The body is read in the socket's callbacks, outside the request's context: enter it again.
  app.addHook('preHandler', (request, _reply, done) => {
    const entry = spans.get(request);
    if (entry === undefined) return done();
    context.with(entry.context, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const entry = spans.get(request);
    if (entry !== undefined) endSpan(entry.span, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    const entry = spans.get(request);
    if (entry !== undefined) endSpan(entry.span, undefined, 'the client closed the connection');
    done();
  });
}
