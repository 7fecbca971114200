import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of one TokenDealer instance (its own registry: no global state). */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'tokendealer_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'tokendealer_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly tokensIssued = new Counter({
    name: 'tokendealer_tokens_issued_total',
    help: 'Access tokens issued by grant type',
    labelNames: ['grant_type'] as const,
    registers: [this.registry],
  });
  readonly oauthErrors = new Counter({
    name: 'tokendealer_oauth_errors_total',
    help: 'OAuth error responses by endpoint and error code',
    labelNames: ['endpoint', 'error'] as const,
    registers: [this.registry],
  });
  readonly tokensRevoked = new Counter({
    name: 'tokendealer_tokens_revoked_total',
    help: 'Access tokens revoked',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tokendealer_' });
  }
}
