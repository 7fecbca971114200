import type { Logger } from 'pino';
import { listen, schemaWaitOptions } from '@runnerly/http-service';
import type { PlansConfig } from './config.js';
import { DataServiceClient } from './data-service/data-service-client.js';
import { buildPlansApp } from './http/plans-app.js';
import { PlanService } from './plans/plan-service.js';
import { PlanStore } from './storage/plan-store.js';

export interface RunningPlans {
  url: string;
  close(): Promise<void>;
}

export async function startPlans(config: PlansConfig, logger: Logger, options: { now?: () => Date } = {}): Promise<RunningPlans> {
  const store = await PlanStore.open(config.db, { apply: config.migrateOnStart, ...schemaWaitOptions(logger) });
  const service = new PlanService(store, new DataServiceClient(config.dataServiceUrl), options.now);
  const app = await buildPlansApp(config, logger, service, () => store.ping());
  try {
    const url = await listen(app, config.host, config.port);
    return {
      url,
      async close() {
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await app.close();
    await store.close();
    throw error;
  }
}
