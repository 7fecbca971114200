import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formBody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { resolveOptions, type StravaSandboxOptions } from './options.js';
import { createContext } from './context.js';
import { installErrorHandling } from './http/error-handler.js';
import { authorizeRoutes } from './oauth/authorize-routes.js';
import { tokenRoutes } from './oauth/token-routes.js';
import { meteredAccess } from './api/metered-access.js';
import { athleteRoutes } from './api/athlete-routes.js';
import { activityRoutes } from './api/activity-routes.js';
import { pushSubscriptionRoutes } from './webhooks/push-subscription-routes.js';
import { createAdmin, type SandboxAdmin } from './admin/admin.js';
import { adminRoutes } from './admin/admin-routes.js';

export interface StravaSandbox {
  app: FastifyInstance;
  /** Starts listening (default 127.0.0.1:5010) and resolves with the base URL, for example http://127.0.0.1:5010. */
  listen(address?: { host?: string; port?: number }): Promise<string>;
  /** The base URL once listening. */
  readonly url: string;
  /** Stops the server and pending webhook deliveries. */
  close(): Promise<void>;
  admin: SandboxAdmin;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 5010;
const BODY_LIMIT = 64 * 1024;

/**
 * A local server that behaves like Strava's OAuth (`/oauth`), API v3 (`/api/v3`) and webhooks,
 * with an admin API (`/_sandbox`) to drive it. Development and tests only: it refuses to start
 * with NODE_ENV=production (it throws). Creation is synchronous; `listen` starts serving.
 */
export function createStravaSandbox(options: StravaSandboxOptions = {}): StravaSandbox {
  const resolved = resolveOptions(options);
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    ...(resolved.logger ? { loggerInstance: resolved.logger as FastifyBaseLogger } : { logger: false }),
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false } },
  });
  const context = createContext(resolved, app.log);
  const admin = createAdmin(context);

  // Registered now, loaded by listen() (or ready(), inject()): so creation is synchronous.
  void app.register(formBody, { bodyLimit: BODY_LIMIT });
  // `curl -F` sends multipart: Strava's examples do, so the sandbox reads its text fields.
  void app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: 0, files: 0, fields: 50, fieldSize: 4096 } });
  installErrorHandling(app);

  app.get('/healthz', async () => ({ status: 'ok' }));
  authorizeRoutes(app, context);
  tokenRoutes(app, context);
  void app.register(
    async (api) => {
      meteredAccess(api, context);
      athleteRoutes(api, context);
      activityRoutes(api, context);
      pushSubscriptionRoutes(api, context);
      // Endpoints Strava has and the sandbox does not model are still counted and carry the headers.
      api.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ message: 'Resource Not Found', errors: [] }));
    },
    { prefix: '/api/v3' },
  );
  void app.register(async (adminApp) => adminRoutes(adminApp, admin), { prefix: '/_sandbox' });

  let url = '';
  return {
    app,
    admin,
    get url() {
      if (url === '') throw new Error('the sandbox is not listening yet');
      return url;
    },
    async listen(address = {}) {
      const host = address.host ?? DEFAULT_HOST;
      await app.listen({ host, port: address.port ?? DEFAULT_PORT });
      const bound = app.server.address();
      if (bound === null || typeof bound === 'string') throw new Error('the sandbox is not listening on TCP');
      url = `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}`;
      return url;
    },
    async close() {
      await context.delivery.close();
      await app.close();
    },
  };
}
