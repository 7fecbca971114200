import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type onResponseHookHandler } from 'fastify';
import { ENDPOINT_PATHS, type TokenDealer } from '../tokendealer.js';
import { acceptFormBodies } from './form-body.js';
import { installOAuthErrorHandler } from './oauth-errors.js';
import { corsForRegisteredOrigins } from './cors.js';
import { tokenEndpoint } from './endpoints/token.js';
import { introspectionEndpoint } from './endpoints/introspection.js';
import { revocationEndpoint } from './endpoints/revocation.js';
import { metadataEndpoints } from './endpoints/metadata.js';
import { jwksEndpoint } from './endpoints/jwks.js';
import { healthEndpoints } from './endpoints/health.js';
import { webPages } from '../web/web-plugin.js';
import { authorizationEndpoint } from './endpoints/authorization.js';
import { pushedAuthorizationEndpoint } from './endpoints/pushed-authorization.js';
import { userinfoEndpoint } from './endpoints/userinfo.js';
import { rememberPeerAddresses } from './client-address.js';
import { lazyRequestLogger } from './lazy-request-logger.js';
import { createTracing, traceRequests } from '@runnerly/tracing';
import { leanTokenServerFactory, type ServerTimeouts } from './lean-token-endpoint.js';

/** Slow or idle clients must not hold sockets forever. */
const SERVER_TIMEOUTS: ServerTimeouts = { connectionTimeout: 30_000, keepAliveTimeout: 65_000, requestTimeout: 30_000 };

/** The public port: OAuth endpoints, the user pages, metadata, keys, health and metrics. */
export function buildPublicApp(tokenDealer: TokenDealer): FastifyInstance {
  // A span per request (exported only with an OTLP endpoint in the OTEL_* environment), flushed at close.
  const tracing = createTracing({ service: 'tokendealer' });
  let closing = false;
  const app = Fastify({
    // Correct client credentials requests are answered before Fastify, the same way (see the file);
    // not while spans are exported, as the lean path records none.
    ...(tracing.enabled ? {} : { serverFactory: leanTokenServerFactory(tokenDealer, { path: ENDPOINT_PATHS.token, bodyLimit: tokenDealer.config.maxBodyBytes, closing: () => closing, timeouts: SERVER_TIMEOUTS }) }),
    loggerInstance: tokenDealer.logger as FastifyBaseLogger,
    childLoggerFactory: lazyRequestLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: tokenDealer.config.maxBodyBytes,
    requestIdHeader: false,
    // Behind the gateway, the client address comes from X-Forwarded-For, but only from trusted proxies.
    trustProxy: tokenDealer.config.trustProxy.length > 0 ? tokenDealer.config.trustProxy : false,
    return503OnClosing: true,
    ...SERVER_TIMEOUTS,
    routerOptions: { maxParamLength: 256 },
  });

  rememberPeerAddresses(app.server);
  traceRequests(app, tracing);
  app.addHook('onClose', () => tracing.shutdown());
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const { metrics } = tokenDealer;
  // Callback-style hooks: on the token endpoint's hot path an async hook costs a promise each.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  // Each route gets its own metrics hook, its URL captured once (request.routeOptions builds a new
  // object on every read); requests that match no route are counted by the not-found handler.
  app.addHook('onRoute', (route) => {
    const url = route.url;
    const countResponse: onResponseHookHandler = (request, reply, done) => {
      metrics.requestDuration.observe(reply.elapsedTime / 1000, request.method, url, String(reply.statusCode));
      done();
    };
    route.onResponse = route.onResponse === undefined ? [countResponse] : [...[route.onResponse].flat(), countResponse];
  });

  app.register(async (oauth) => {
    acceptFormBodies(oauth);
    installOAuthErrorHandler(oauth, tokenDealer);
    tokenEndpoint(oauth, tokenDealer, ENDPOINT_PATHS.token);
    introspectionEndpoint(oauth, tokenDealer, ENDPOINT_PATHS.introspection);
    revocationEndpoint(oauth, tokenDealer, ENDPOINT_PATHS.revocation);
    pushedAuthorizationEndpoint(oauth, tokenDealer, ENDPOINT_PATHS.pushedAuthorization);
    userinfoEndpoint(oauth, tokenDealer, ENDPOINT_PATHS.userinfo);
    corsForRegisteredOrigins(oauth, tokenDealer, [ENDPOINT_PATHS.token, ENDPOINT_PATHS.revocation], 'POST');
    corsForRegisteredOrigins(oauth, tokenDealer, [ENDPOINT_PATHS.userinfo], 'GET, POST');
  });
  // The authorization endpoint talks to browsers: pages and redirects, its own raw form parser, no CORS.
  app.register(async (authorization) => authorizationEndpoint(authorization, tokenDealer, ENDPOINT_PATHS.authorization));
  // The HTML pages for users, with their own form parser and HTML error pages.
  app.register(webPages, { tokenDealer });
  metadataEndpoints(app, tokenDealer);
  jwksEndpoint(app, tokenDealer, ENDPOINT_PATHS.jwks);
  healthEndpoints(app, tokenDealer);

  app.setNotFoundHandler((request, reply) => {
    metrics.requestDuration.observe(reply.elapsedTime / 1000, request.method, 'unmatched', '404');
    return reply.code(404).send({ error: 'not_found', error_description: `no route for ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}` });
  });
  return app;
}
