// The data service's HTTP app: the shared skeleton (health, metrics, OpenAPI, problems, the
// guard) with the public API under /api/data and the internal API under /internal.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createServiceApp } from '@runnerly/http-service';
import type { AccessTokenVerifier } from '@runnerly/guard';
import type { DataServiceConfig } from './config/options.js';
import { BearerErrorSchema, type RouteContext } from './http/route-support.js';
import type { UploadParser } from './imports/upload-parser.js';
import { internalReadRoutes } from './routes/internal/read-routes.js';
import { emailRoutes } from './routes/internal/email-routes.js';
import { importRunsRoutes } from './routes/internal/import-runs-routes.js';
import { ImportReportSchema, importRoutes } from './routes/public/import-routes.js';
import { profileRoutes } from './routes/public/profile-routes.js';
import { raceRoutes } from './routes/public/race-routes.js';
import { runRoutes } from './routes/public/run-routes.js';
import { totalsRoutes } from './routes/public/totals-routes.js';
import { ProfileSchema } from './schemas/profile-schemas.js';
import { RaceListSchema, RaceSchema } from './schemas/race-schemas.js';
import { DeletedSchema, ImportResultSchema, RunListSchema, RunSchema, TotalsSchema } from './schemas/run-schemas.js';
import type { DataServiceStorage } from './storage/open-storage.js';

export interface DataServiceAppOptions {
  config: DataServiceConfig;
  storage: DataServiceStorage;
  logger: Logger;
  parseUpload: UploadParser;
  clock?: () => number;
  /** Token verification; default: TokenDealer at config.issuer, for both audiences. */
  verifier?: AccessTokenVerifier;
}

export async function buildDataServiceApp(options: DataServiceAppOptions): Promise<FastifyInstance> {
  const { config, storage, logger } = options;
  const { app } = await createServiceApp({
    service: 'dataservice',
    title: 'Runnerly data service',
    description:
      'Runner profiles, runs and races. The public API (`/api/data/...`) takes user tokens for the public API audience; ' +
      '`me` in a path is the token\'s subject, and another runner\'s data answers 404. The internal API (`/internal/...`) takes only ' +
      'client_credentials tokens for the data service\'s audience.',
    logger,
    readiness: () => storage.ping(),
    metricsAccess: { allow: config.metricsAllow, token: config.metricsToken },
    bodyLimit: config.bodyLimit,
    guard: options.verifier ? { verifier: options.verifier } : { issuer: config.issuer, audiences: [config.publicAudience, config.serviceAudience] },
  });
  for (const schema of [BearerErrorSchema, ProfileSchema, RunSchema, RunListSchema, TotalsSchema, ImportResultSchema, DeletedSchema, RaceSchema, RaceListSchema, ImportReportSchema]) {
    app.addSchema(schema);
  }
  const context: RouteContext = { config, storage, logger, clock: options.clock ?? Date.now, parseUpload: options.parseUpload };
  profileRoutes(app, context);
  runRoutes(app, context);
  totalsRoutes(app, context);
  await importRoutes(app, context);
  raceRoutes(app, context);
  importRunsRoutes(app, context);
  internalReadRoutes(app, context);
  emailRoutes(app, context);
  return app;
}
