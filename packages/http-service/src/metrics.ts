// Prometheus metrics with one naming scheme for every service: <service>_http_requests_total and
// <service>_http_request_duration_seconds by route template (never the raw URL: bounded labels),
// plus the process's default metrics. Each app has its own registry: no global state.
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly prefix: string;
  readonly requests: Counter<'route' | 'method' | 'status'>;
  readonly duration: Histogram<'route'>;

  constructor(service: string) {
    this.prefix = `${service.replace(/[^a-zA-Z0-9_]/g, '_')}_`;
    this.requests = new Counter({ name: `${this.prefix}http_requests_total`, help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers: [this.registry] });
    this.duration = new Histogram({
      name: `${this.prefix}http_request_duration_seconds`,
      help: 'HTTP request duration by route',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [this.registry],
    });
    collectDefaultMetrics({ register: this.registry, prefix: this.prefix });
  }

  /** A counter in this service's registry and naming scheme. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name: `${this.prefix}${name}`, help, labelNames, registers: [this.registry] });
  }

  /** Records every answered request under its route template. */
  instrument(app: FastifyInstance): void {
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
      this.duration.observe({ route }, reply.elapsedTime / 1000);
      done();
    });
  }
}
