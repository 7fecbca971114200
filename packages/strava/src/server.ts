// Starts the Strava service: database and migrations, the sealed token store, the Strava client
// with the application's rate budget, the job queue and its workers, the HTTP routes, and the
// webhook subscription (or, without one, the periodic sweep).
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { openDatabase, ping } from '@runnerly/database';
import { TokenSource } from '@runnerly/guard';
import { createServiceApp, listen, schemaWaitOptions } from '@runnerly/http-service';
import { createJobQueue, migrateJobQueue, type JobQueue } from '@runnerly/job-queue';
import { createTracing, traceJobRuns } from '@runnerly/tracing';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { StravaServiceConfig } from './config/options.js';
import { TokenCipher } from './crypto/token-cipher.js';
import { loadTokenKey } from './crypto/token-key.js';
import { DataServiceClient } from './data-service/data-service-client.js';
import { historyImportHandler } from './import/history-import.js';
import type { ImportContext } from './import/import-context.js';
import { sweepHandler } from './import/sweep.js';
import { ACTIVITY_EVENT_JOB, DEAUTHORIZED_JOB, HISTORY_JOB, SWEEP_JOB, sweepKey, type LinkJob } from './jobs/job-types.js';
import { RateBudget } from './rate-limits/rate-budget.js';
import { callbackRoute } from './routes/callback-route.js';
import { internalRoutes } from './routes/internal-routes.js';
import { runnerRoutes } from './routes/runner-routes.js';
import type { ServiceContext } from './service-context.js';
import { migrateStravaDatabase } from './storage/migrations/index.js';
import { LinkStateStore } from './storage/link-state-store.js';
import { LinkStore } from './storage/link-store.js';
import { ImportedRunStore } from './storage/imported-run-store.js';
import type { StravaDatabase } from './storage/schema.js';
import { SettingsStore } from './storage/settings-store.js';
import { StravaClient } from './strava-client/strava-client.js';
import { AthleteTokens } from './tokens/athlete-tokens.js';
import { activityEventHandler } from './webhook/activity-event-job.js';
import { deauthorizedHandler } from './webhook/deauthorized-job.js';
import { webhookRoutes } from './webhook/webhook-routes.js';
import { WebhookSubscription } from './webhook/webhook-subscription.js';

export interface StartOptions {
  logger: Logger;
  /** Epoch ms; tests share one with the sandbox. Default Date.now. */
  clock?: () => number;
  /** Job queue timing (tests shorten them). */
  queue?: { pollMs?: number; leaseMs?: number };
  /** Where STRAVA_TOKEN_KEY and the OTEL_* variables are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface RunningStravaService {
  url: string;
  app: FastifyInstance;
  context: ServiceContext;
  /** The service's own database (tests inspect what is stored). */
  db: Kysely<StravaDatabase>;
  /** Queues a sweep for every linked runner (what the periodic timer does). */
  sweepAll(): Promise<void>;
  close(): Promise<void>;
}

export async function startStravaService(config: StravaServiceConfig, options: StartOptions): Promise<RunningStravaService> {
  const { logger } = options;
  const clock = options.clock ?? Date.now;
  const schemaWait = schemaWaitOptions(logger, options.env);
  const { key, generated } = loadTokenKey(config, options.env);
  if (generated) logger.warn({ file: config.tokenKeyFile }, 'no STRAVA_TOKEN_KEY: generated a development key file (set STRAVA_TOKEN_KEY in production)');

  // Made before the queue: each job run is a trace of its own, as each request is.
  const tracing = createTracing({ service: 'strava', env: options.env });
  const aroundRun = traceJobRuns(tracing);
  const database = openDatabase<StravaDatabase>(config.db);
  let queue: JobQueue | undefined;
  try {
    const waitUntil = performance.now() + schemaWait.waitMs;
    await migrateStravaDatabase(database.db as never, database.kind, { apply: config.migrateOnStart, ...schemaWait });
    // The database queue migrates on first use; without migrating at start it must be ready already
    // (the migrate job does it after the service's tables: what is left of the one wait).
    if (!config.migrateOnStart && !config.redisUrl) await migrateJobQueue(database.db, database.kind, { apply: false, ...schemaWait, waitMs: Math.max(0, waitUntil - performance.now()) });
    queue = config.redisUrl
      ? createJobQueue({ backend: 'redis', url: config.redisUrl, prefix: config.queuePrefix, clock, logger, leaseMs: config.jobLeaseMs, aroundRun, ...options.queue })
      : createJobQueue({ backend: 'database', db: database.db, dialect: database.kind, clock, logger, leaseMs: config.jobLeaseMs, aroundRun, ...options.queue });

    const budget = new RateBudget(clock, config.rateLimitMargin);
    const strava = new StravaClient({ oauthUrl: config.oauthUrl, apiUrl: config.apiUrl, clientId: config.clientId!, clientSecret: config.clientSecret!, budget, timeoutMs: config.requestTimeoutMs });
    const links = new LinkStore(database.db, new TokenCipher(key));
    const tokenSource = new TokenSource({
      issuer: config.tokenDealerIssuer,
      clientId: config.serviceClientId!,
      clientSecret: config.serviceClientSecret!,
      scope: 'runs:import',
      audience: 'runnerly-data',
      timeoutMs: config.requestTimeoutMs,
    });
    const context: ServiceContext = {
      config,
      links,
      importedRuns: new ImportedRunStore(database.db),
      states: new LinkStateStore(database.db),
      settings: new SettingsStore(database.db),
      tokens: new AthleteTokens(links, strava, clock),
      strava,
      data: new DataServiceClient(config.dataServiceUrl, tokenSource, config.requestTimeoutMs),
      queue,
      budget,
      clock,
      logger,
    };

    const jobs: ImportContext = context;
    const concurrency = config.importConcurrency;
    queue.work(HISTORY_JOB, historyImportHandler(jobs), { concurrency });
    queue.work(SWEEP_JOB, sweepHandler(jobs), { concurrency });
    // One at a time, in the order they came: two events of one activity fetched at once could
    // write an older state over a newer one.
    queue.work(ACTIVITY_EVENT_JOB, activityEventHandler(jobs), { concurrency: 1 });
    queue.work(DEAUTHORIZED_JOB, deauthorizedHandler(jobs), { concurrency: 1 });
    await queue.start();

    const subscription = new WebhookSubscription(context);
    await subscription.load();

    const { app } = await createServiceApp({
      service: 'strava',
      title: 'Runnerly Strava service',
      description: "Links runners to their Strava accounts, imports their runs into the data service and keeps them current through Strava's webhook.",
      logger,
      tracing,
      readiness: () => ping(database.db),
      bodyLimit: 64 * 1024,
      guard: { issuer: config.tokenDealerIssuer, audiences: [config.publicApiAudience, config.audience] },
    });
    runnerRoutes(app, context);
    internalRoutes(app, context);
    callbackRoute(app, context);
    webhookRoutes(app, context, subscription);

    const sweepAll = async (): Promise<void> => {
      for (const sub of await links.subjects()) {
        const link = await links.get(sub);
        if (link?.historyDone) await context.queue.add<LinkJob>(SWEEP_JOB, { sub, linkId: link.linkId }, { key: sweepKey(sub) });
      }
    };
    let sweepTimer: NodeJS.Timeout | undefined;
    const startSweeps = () => {
      sweepTimer = setInterval(() => sweepAll().catch((error: unknown) => logger.error({ err: error }, 'queueing sweeps failed')), config.sweepIntervalSeconds * 1000);
      sweepTimer.unref();
    };

    const url = await listen(app, config.host, config.port);
    if (config.webhookCallbackUrl !== undefined) {
      try {
        await subscription.ensure(config.webhookCallbackUrl, config.webhookVerifyToken!);
      } catch (error) {
        logger.error({ err: error }, 'the Strava webhook subscription could not be set up: sweeping for new activities instead');
        startSweeps();
      }
    } else {
      startSweeps();
    }

    const openQueue = queue;
    return {
      url,
      app,
      context,
      db: database.db,
      sweepAll,
      async close() {
        clearInterval(sweepTimer);
        await app.close();
        await openQueue.close({ drainMs: 5000 });
        await database.close();
        await tracing.shutdown();
      },
    };
  } catch (error) {
    await queue?.close({ drainMs: 0 }).catch(() => {});
    await database.close();
    await tracing.shutdown();
    throw error;
  }
}
