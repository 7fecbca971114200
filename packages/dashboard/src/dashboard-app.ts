// The dashboard's backend-for-frontend: the shared service skeleton, sign-in routes, the session
// endpoint the front end reads, the API proxy, and the front end itself.
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createServiceApp, type ServiceMetrics } from '@runnerly/http-service';
import type { DashboardConfig } from './config.js';
import { registerAuthRoutes } from './auth/auth-routes.js';
import type { IssuedTokens } from './auth/token-dealer-client.js';
import { registerApiProxy } from './api/api-proxy.js';
import { cookiePolicy, readCookie } from './sessions/cookies.js';
import type { SessionService } from './sessions/session-service.js';
import { registerStaticSite } from './web/static-site.js';

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export async function buildDashboardApp(
  config: DashboardConfig,
  logger: Logger,
  sessions: SessionService,
  readiness: () => Promise<void>,
  onSignIn?: (tokens: IssuedTokens) => Promise<void>,
): Promise<{ app: FastifyInstance; metrics: ServiceMetrics }> {
  const { app, metrics } = await createServiceApp({
    service: 'dashboard',
    title: 'Runnerly dashboard',
    description: 'The backend-for-frontend of the Runnerly web application.',
    logger,
    readiness,
    metricsAccess: { allow: config.metricsAllow, token: config.metricsToken },
    bodyLimit: 64 * 1024,
  });
  const cookies = cookiePolicy(config.publicUrl);
  const sessionOf = (header: string | undefined) => sessions.current(readCookie(header, cookies.name));

  registerAuthRoutes(app, { sessions, cookies, publicUrl: config.publicUrl, sessionLifetime: config.sessionLifetime, sessionOf, ...(onSignIn ? { onSignIn } : {}) });

  app.get('/bff/session', { schema: { hide: true } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const session = await sessionOf(request.headers.cookie);
    if (!session) return { signed_in: false };
    return { signed_in: true, user: { sub: session.userId, email: session.email, name: session.name }, csrf_token: session.csrfToken };
  });

  registerApiProxy(app, {
    sessions,
    publicUrl: config.publicUrl,
    sessionOf,
    maxBodyBytes: MAX_UPLOAD_BYTES,
    upstreams: { data: config.dataServiceUrl, plans: config.plansUrl, reports: config.reportsUrl, strava: config.stravaUrl },
  });
  await registerStaticSite(app, config.webDir === '' ? DEFAULT_WEB_DIR : config.webDir);
  return { app, metrics };
}
