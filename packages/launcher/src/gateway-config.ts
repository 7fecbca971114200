// The gateway's configuration for the local system: the book's limit (200 r/s, burst 100, per
// client address) on every route, bearer tokens checked at the edge on the API, and a route per
// service that is running.
export interface GatewayRoute {
  prefix: string;
  upstream: string;
  /** Verify bearer tokens for this audience at the edge. */
  audience?: string;
  maxBodyBytes?: number;
}

export function gatewayConfig(options: { host: string; port: number; issuer: string; redisUrl: string | undefined; redisKeyPrefix: string; routes: GatewayRoute[] }): Record<string, unknown> {
  return {
    listen: { host: options.host, port: options.port },
    store: options.redisUrl ? { type: 'redis', url: options.redisUrl, onError: 'local', keyPrefix: options.redisKeyPrefix } : { type: 'memory' },
    rejectStatus: 429,
    logLevel: 'info',
    routes: options.routes.map((route) => ({
      prefix: route.prefix,
      upstream: [route.upstream],
      limits: [{ type: 'rate', rate: '200r/s', burst: 100, key: 'ip' }],
      ...(route.audience ? { auth: { issuer: options.issuer, audience: route.audience, scopes: [], realm: 'runnerly' } } : {}),
      ...(route.maxBodyBytes ? { maxBodyBytes: route.maxBodyBytes } : {}),
    })),
  };
}
