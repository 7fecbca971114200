// Prometheus metrics named alike in every Runnerly service: http_server_request_duration_seconds
// (a histogram by method, route template and status: never the raw URL, so labels stay bounded),
// the process's default metrics under their standard names, and the service's own metrics under
// its prefix (<service>_...). Each app has its own registry: no global state.
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Upper bounds (seconds) of http_server_request_duration_seconds, the same in every service. */
export const REQUEST_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly prefix: string;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(service: string) {
    this.prefix = `${service.replace(/[^a-zA-Z0-9_]/g, '_')}_`;
    this.requestDuration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Time to answer HTTP requests, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: REQUEST_DURATION_BUCKETS,
      registers: [this.registry],
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** A counter in this service's registry and naming scheme. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name: `${this.prefix}${name}`, help, labelNames, registers: [this.registry] });
  }

  /** Records every answered request under its route template. */
  instrument(app: FastifyInstance): void {
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.requestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });
  }
}
