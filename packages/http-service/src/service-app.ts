// The Fastify app every Runnerly service starts from: JSON logs, a trace span per request,
// problem details, /healthz, /readyz, /metrics, the OpenAPI document at /openapi.json with docs at /docs, and the guard.
// The service then adds its routes with TypeBox schemas, which drive validation and the document.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { createVerifier, type AccessTokenVerifier } from '@runnerly/guard';
import { guardPlugin } from '@runnerly/guard/fastify';
import { createTracing, traceRequests, type Tracing } from '@runnerly/tracing';
import { buildValidator } from './validation.js';
import { installProblemHandlers, ProblemError, ProblemSchema, sendProblem } from './problem.js';
import { ServiceMetrics } from './metrics.js';
import { metricsAccess, type MetricsAccessOptions } from './metrics-access.js';

export interface ServiceAppOptions {
  /** Short name: log field, metric prefix (e.g. "dataservice"). */
  service: string;
  title: string;
  description: string;
  version?: string;
  logger: Logger;
  /** Resolves when the service can serve (database reachable...); rejects otherwise. */
  readiness?: () => Promise<void>;
  metricsAccess?: MetricsAccessOptions;
  /** Largest request body; default 1 MiB. */
  bodyLimit?: number;
  /** Token verification for guarded routes: TokenDealer's issuer and every audience this service accepts. */
  guard?: { issuer: string; audiences: string[] } | { verifier: AccessTokenVerifier };
  /**
   * Traces; by default from the OTEL_* environment (exported only with an OTLP endpoint), named
   * after `service`, and shut down (flushed) when the app closes.
   */
  tracing?: Tracing;
}

export interface ServiceApp {
  app: FastifyInstance;
  metrics: ServiceMetrics;
  tracing: Tracing;
}

export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // One line per request is noise at this rate; errors are logged by the problem handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    requestIdHeader: false,
    // Unknown properties are refused, not silently dropped; query and path values are coerced, bodies never.
    schemaController: { compilersFactory: { buildValidator } },
  });
  const tracing = options.tracing ?? createTracing({ service: options.service });
  if (options.tracing === undefined) app.addHook('onClose', () => tracing.shutdown());
  traceRequests(app, tracing);
  const metrics = new ServiceMetrics(options.service);
  metrics.instrument(app);
  installProblemHandlers(app);
  app.addSchema(ProblemSchema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.title, description: options.description, version: options.version ?? '1.0.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      await options.readiness?.();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'not ready');
      return sendProblem(reply, new ProblemError(503, 'Service Unavailable', 'a dependency is unavailable'));
    }
  });
  const access = metricsAccess(options.metricsAccess ?? { allow: ['127.0.0.0/8', '::1'] });
  app.get('/metrics', { schema: { hide: true }, onRequest: access }, async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  if (options.guard) {
    const verifier = 'verifier' in options.guard ? options.guard.verifier : createVerifier({ issuer: options.guard.issuer, audience: options.guard.audiences });
    await app.register(guardPlugin, { verifier });
  }
  return { app, metrics, tracing };
}
