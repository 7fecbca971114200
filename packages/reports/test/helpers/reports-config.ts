// The reports service's configuration in tests: real services on loopback, ticks only when the test asks.
import { resolveOptions } from '@runnerly/service-config';
import { REPORTS_OPTIONS, type ReportsConfig } from '../../src/index.js';

export const PUBLIC_API = 'http://127.0.0.1:8080/api';

export interface ReportsTestSetup {
  db: string;
  issuer: string;
  dataServiceUrl: string;
  plansUrl: string;
  client: { clientId: string; clientSecret: string };
  outboxDir: string;
}

export function reportsTestConfig(setup: ReportsTestSetup): ReportsConfig {
  return {
    ...resolveOptions(REPORTS_OPTIONS, {}),
    port: 0,
    db: setup.db,
    issuer: setup.issuer,
    publicApiAudience: PUBLIC_API,
    dataServiceUrl: setup.dataServiceUrl,
    plansUrl: setup.plansUrl,
    clientId: setup.client.clientId,
    clientSecret: setup.client.clientSecret,
    outboxDir: setup.outboxDir,
    tickMs: 3_600_000,
    logLevel: 'silent',
  };
}
