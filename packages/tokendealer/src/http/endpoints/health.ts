import type { FastifyInstance } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';
import { metricsAccess } from '../metrics-access.js';

const READINESS_TIMEOUT_MS = 2000;

export function healthEndpoints(app: FastifyInstance, tokenDealer: TokenDealer): void {
  // Liveness: the process answers.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Readiness: the database answers in time.
  app.get('/readyz', async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        tokenDealer.storage.ping(),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('database did not answer in time')), READINESS_TIMEOUT_MS);
        }),
      ]);
      return { status: 'ready', database: tokenDealer.storage.kind };
    } catch (error) {
      request.log.warn({ err: error }, 'not ready');
      return reply.code(503).send({ status: 'unavailable', database: tokenDealer.storage.kind });
    } finally {
      clearTimeout(timer);
    }
  });

  // Prometheus text, for the allowed addresses and the metrics token only (see metrics-access.ts).
  app.get('/metrics', { onRequest: metricsAccess(tokenDealer.config) }, async (_request, reply) =>
    reply.header('content-type', tokenDealer.metrics.registry.contentType).send(await tokenDealer.metrics.registry.metrics()),
  );
}
