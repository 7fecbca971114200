// The reports service: its API, and the scheduler and courier ticking in the background.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { listen, schemaWaitOptions } from '@runnerly/http-service';
import { createMailer, type Mailer } from '@runnerly/mail';
import { traceJobRuns, type Tracing } from '@runnerly/tracing';
import type { ReportsConfig } from './config.js';
import { DataServiceClient } from './data-service/data-service-client.js';
import { ReportCourier } from './delivery/report-courier.js';
import { buildReportsApp } from './http/reports-app.js';
import { PlansClient } from './plans-service/plans-client.js';
import { MonthScheduler } from './scheduler/month-scheduler.js';
import { ReportStore } from './storage/report-store.js';

export interface RunningReports {
  url: string;
  /** Runs the scheduler and the courier once now (tests, and after a build is requested). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export async function startReports(config: ReportsConfig, logger: Logger, options: { clock?: () => number; mailer?: Mailer; tracing?: Tracing } = {}): Promise<RunningReports> {
  const store = await ReportStore.open(config.db, { apply: config.migrateOnStart, ...schemaWaitOptions(logger) });
  const data = new DataServiceClient({ baseUrl: config.dataServiceUrl, issuer: config.issuer, clientId: config.clientId, clientSecret: config.clientSecret, audience: config.dataServiceAudience });
  const plans = new PlansClient({ baseUrl: config.plansUrl, issuer: config.issuer, clientId: config.clientId, clientSecret: config.clientSecret, audience: config.plansAudience });
  const mailer = options.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, outboxDir: config.outboxDir });
  const { app, tracing } = await buildReportsApp(config, logger, store, options.tracing);
  const scheduler = new MonthScheduler(store, data, plans, logger, randomUUID(), options.clock, traceJobRuns(tracing));
  const courier = new ReportCourier(store, data, mailer, logger, config.publicUrl, options.clock);

  let running: Promise<void> | undefined;
  const tick = (): Promise<void> => {
    // One tick at a time in this process; instances share the work through the database.
    running ??= (async () => {
      try {
        await scheduler.tick();
        await courier.tick();
      } catch (error) {
        logger.warn({ err: error }, 'reports tick failed');
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), config.tickMs);
  timer.unref();
  try {
    const url = await listen(app, config.host, config.port);
    return {
      url,
      tick,
      async close() {
        clearInterval(timer);
        // The tick first: closing the app shuts its tracing down, which would drop the build's spans.
        await running;
        await app.close();
        await mailer.close();
        await store.close();
      },
    };
  } catch (error) {
    clearInterval(timer);
    await app.close();
    await store.close();
    throw error;
  }
}
